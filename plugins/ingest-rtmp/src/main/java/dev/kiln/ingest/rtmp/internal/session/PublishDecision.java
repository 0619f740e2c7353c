package dev.kiln.ingest.rtmp.internal.session;

import java.util.Objects;

/**
 * A {@link PublishListener}'s answer to a publish request. A rejection's code and description
 * go to the client in an {@code onStatus} message of level {@code error}.
 */
public final class PublishDecision {
  /** The status code for a stream name that is refused (unknown app, bad key, taken name). */
  public static final String BAD_NAME = "NetStream.Publish.BadName";

  private static final PublishDecision ACCEPT = new PublishDecision(true, null, null);

  private final boolean accepted;
  private final String code;
  private final String description;

  private PublishDecision(boolean accepted, String code, String description) {
    this.accepted = accepted;
    this.code = code;
    this.description = description;
  }

  public static PublishDecision accept() {
    return ACCEPT;
  }

  /**
   * @param code an RTMP status code such as {@link #BAD_NAME}
   * @param description the human-readable reason sent to the client
   */
  public static PublishDecision reject(String code, String description) {
    return new PublishDecision(false, Objects.requireNonNull(code, "code"),
        Objects.requireNonNullElse(description, ""));
  }

  public boolean accepted() {
    return accepted;
  }

  /** The status code of a rejection, {@code null} when accepted. */
  public String code() {
    return code;
  }

  /** The description of a rejection, {@code null} when accepted. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return accepted ? "accept" : "reject(" + code + ", " + description + ")";
  }
}
