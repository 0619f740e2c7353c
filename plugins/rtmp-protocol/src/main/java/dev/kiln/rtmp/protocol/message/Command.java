package dev.kiln.rtmp.protocol.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A decoded command message: name, transaction id, command object and optional arguments.
 *
 * @param commandObject the command object (a map) or {@code null}
 * @param arguments the values after the command object, in order (AMF0 null as {@code null})
 */
public record Command(String name, double transactionId, Map<String, Object> commandObject,
    List<Object> arguments) {

  public Command {
    arguments = Collections.unmodifiableList(new ArrayList<>(arguments));
  }

  /** The argument at {@code index}, or {@code null} when there are fewer. */
  public Object argument(int index) {
    return index < arguments.size() ? arguments.get(index) : null;
  }

  /** The argument at {@code index} if it is a string, else {@code null}. */
  public String stringArgument(int index) {
    return argument(index) instanceof String s ? s : null;
  }

  /** A property of the command object if it is a string, else {@code null}. */
  public String stringProperty(String key) {
    return commandObject != null && commandObject.get(key) instanceof String s ? s : null;
  }

  /** Transaction id 0 means the sender expects no answer. */
  public boolean expectsAnswer() {
    return transactionId != 0;
  }
}
