package dev.kiln.rtmp.protocol.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Writes Java values as AMF0; see {@link Amf0} for the type mapping. */
public final class Amf0Encoder {
  private static final int MAX_SHORT_STRING = 0xFFFF;

  private Amf0Encoder() {}

  /** Writes each value in order. */
  public static void encodeAll(ByteBuf out, Object... values) {
    for (Object value : values) {
      encode(out, value);
    }
  }

  /**
   * Writes one value.
   *
   * @throws IllegalArgumentException for a Java type AMF0 has no encoding for, or an object key
   *     longer than 65535 UTF-8 bytes
   */
  public static void encode(ByteBuf out, Object value) {
    if (value == null) {
      out.writeByte(Amf0.NULL);
    } else if (value == Amf0.UNDEFINED) {
      out.writeByte(Amf0.UNDEFINED_MARKER);
    } else if (value instanceof Number number) {
      out.writeByte(Amf0.NUMBER);
      out.writeDouble(number.doubleValue());
    } else if (value instanceof Boolean bool) {
      out.writeByte(Amf0.BOOLEAN);
      out.writeByte(bool ? 1 : 0);
    } else if (value instanceof CharSequence text) {
      writeString(out, text.toString());
    } else if (value instanceof Amf0.EcmaArray array) {
      out.writeByte(Amf0.ECMA_ARRAY);
      out.writeInt(array.size());
      writeProperties(out, array);
    } else if (value instanceof Map<?, ?> map) {
      out.writeByte(Amf0.OBJECT);
      writeProperties(out, map);
    } else if (value instanceof List<?> list) {
      out.writeByte(Amf0.STRICT_ARRAY);
      out.writeInt(list.size());
      for (Object element : list) {
        encode(out, element);
      }
    } else if (value instanceof Object[] array) {
      encode(out, List.of(array));
    } else if (value instanceof Amf0.Date date) {
      out.writeByte(Amf0.DATE);
      out.writeDouble(date.epochMillis());
      out.writeShort(date.timeZone());
    } else {
      throw new IllegalArgumentException("no AMF0 encoding for " + value.getClass().getName());
    }
  }

  private static void writeString(ByteBuf out, String s) {
    int length = ByteBufUtil.utf8Bytes(s);
    if (length <= MAX_SHORT_STRING) {
      out.writeByte(Amf0.STRING);
      out.writeShort(length);
    } else {
      out.writeByte(Amf0.LONG_STRING);
      out.writeInt(length);
    }
    out.writeCharSequence(s, StandardCharsets.UTF_8);
  }

  private static void writeProperties(ByteBuf out, Map<?, ?> map) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      int length = ByteBufUtil.utf8Bytes(key);
      if (length > MAX_SHORT_STRING) {
        throw new IllegalArgumentException("AMF0 property name longer than 65535 bytes");
      }
      out.writeShort(length);
      out.writeCharSequence(key, StandardCharsets.UTF_8);
      encode(out, entry.getValue());
    }
    out.writeShort(0);
    out.writeByte(Amf0.OBJECT_END);
  }
}
