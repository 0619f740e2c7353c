package dev.kiln.rtmp.protocol.message;

import dev.kiln.rtmp.protocol.amf.Amf0Decoder;
import dev.kiln.rtmp.protocol.amf.Amf0Encoder;
import dev.kiln.rtmp.protocol.amf.AmfDecodeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.Map;

/** Decodes command and data messages (AMF0, and AMF3-typed messages that carry AMF0) and builds replies. */
public final class CommandCodec {
  /** Chunk stream that carries Kiln's command messages. */
  public static final int COMMAND_CHUNK_STREAM = 3;

  private CommandCodec() {}

  /** Decodes a type 20 or 17 message. Does not release the message. */
  public static Command decodeCommand(RtmpMessage message) throws AmfDecodeException {
    List<Object> values = decodeValues(message);
    if (values.isEmpty() || !(values.get(0) instanceof String name)) {
      throw new AmfDecodeException("command message without a command name");
    }
    double transactionId = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
    Map<String, Object> commandObject = null;
    if (values.size() > 2 && values.get(2) instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) map;
      commandObject = typed;
    }
    List<Object> arguments = values.size() > 3 ? values.subList(3, values.size()) : List.of();
    return new Command(name, transactionId, commandObject, arguments);
  }

  /** Decodes every AMF0 value of a type 18 or 15 (data) or 20 or 17 (command) message. */
  public static List<Object> decodeValues(RtmpMessage message) throws AmfDecodeException {
    ByteBuf in = message.content().duplicate();
    int type = message.typeId();
    if ((type == MessageType.COMMAND_AMF3 || type == MessageType.DATA_AMF3)
        && in.isReadable() && in.getByte(in.readerIndex()) == 0) {
      in.skipBytes(1); // AMF3-typed message whose body is AMF0 after a zero format byte
    }
    return Amf0Decoder.decodeAll(in);
  }

  /** Builds a command message with the given values after name and transaction id. */
  public static RtmpMessage command(ByteBufAllocator alloc, long streamId, String name,
      double transactionId, Object... values) {
    ByteBuf payload = alloc.buffer();
    try {
      Amf0Encoder.encode(payload, name);
      Amf0Encoder.encode(payload, transactionId);
      Amf0Encoder.encodeAll(payload, values);
    } catch (RuntimeException e) {
      payload.release();
      throw e;
    }
    return new RtmpMessage(COMMAND_CHUNK_STREAM, MessageType.COMMAND_AMF0, streamId, 0, payload);
  }

  /** Builds an AMF0 data message (type 18) carrying the given values, e.g. {@code @setDataFrame}. */
  public static RtmpMessage data(ByteBufAllocator alloc, long streamId, long timestamp,
      Object... values) {
    ByteBuf payload = alloc.buffer();
    try {
      Amf0Encoder.encodeAll(payload, values);
    } catch (RuntimeException e) {
      payload.release();
      throw e;
    }
    return new RtmpMessage(MessageType.DATA_AMF0, streamId, timestamp, payload);
  }
}
