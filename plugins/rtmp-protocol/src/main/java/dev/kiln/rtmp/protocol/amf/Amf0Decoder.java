package dev.kiln.rtmp.protocol.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads AMF0 values from a buffer, advancing its reader index.
 *
 * <p>Every length is checked against the bytes that are really there before anything is read
 * or allocated, so truncated or hostile input ends in an {@link AmfDecodeException}, never in
 * an {@link IndexOutOfBoundsException} or a huge allocation. Nesting is capped at
 * {@link #MAX_DEPTH} levels. References, AMF3 switches, record sets and movie clips are not
 * decoded (no RTMP publisher sends them in the commands Kiln reads).
 */
public final class Amf0Decoder {
  /** The deepest nesting of objects and arrays accepted. */
  public static final int MAX_DEPTH = 32;

  private Amf0Decoder() {}

  /** Decodes every value up to the end of the readable bytes. */
  public static List<Object> decodeAll(ByteBuf in) throws AmfDecodeException {
    List<Object> values = new ArrayList<>();
    while (in.isReadable()) {
      values.add(decode(in));
    }
    return values;
  }

  /** Decodes one value. */
  public static Object decode(ByteBuf in) throws AmfDecodeException {
    return decodeValue(in, 0);
  }

  private static Object decodeValue(ByteBuf in, int depth) throws AmfDecodeException {
    need(in, 1, "type marker");
    int marker = in.readUnsignedByte();
    switch (marker) {
      case Amf0.NUMBER:
        need(in, 8, "number");
        return in.readDouble();
      case Amf0.BOOLEAN:
        need(in, 1, "boolean");
        return in.readByte() != 0;
      case Amf0.STRING:
        return readUtf8(in);
      case Amf0.LONG_STRING:
      case Amf0.XML_DOCUMENT:
        return readLongUtf8(in);
      case Amf0.OBJECT:
        return readProperties(in, new LinkedHashMap<>(), depth + 1);
      case Amf0.TYPED_OBJECT:
        readUtf8(in); // class name: not kept
        return readProperties(in, new LinkedHashMap<>(), depth + 1);
      case Amf0.ECMA_ARRAY:
        // The count is advisory (encoders disagree on it); the end marker closes the array.
        need(in, 4, "ECMA array count");
        in.skipBytes(4);
        return readProperties(in, new Amf0.EcmaArray(), depth + 1);
      case Amf0.STRICT_ARRAY:
        return readStrictArray(in, depth + 1);
      case Amf0.DATE:
        need(in, 10, "date");
        double millis = in.readDouble();
        return new Amf0.Date(millis, in.readShort());
      case Amf0.NULL:
        return null;
      case Amf0.UNDEFINED_MARKER:
      case Amf0.UNSUPPORTED:
        return Amf0.UNDEFINED;
      case Amf0.OBJECT_END:
        throw new AmfDecodeException("object-end marker outside an object");
      case Amf0.REFERENCE:
        throw new AmfDecodeException("AMF0 references are not supported");
      case Amf0.AVMPLUS_OBJECT:
        throw new AmfDecodeException("AMF3 values are not supported");
      default:
        throw new AmfDecodeException("unknown AMF0 type marker 0x" + Integer.toHexString(marker));
    }
  }

  private static <M extends Map<String, Object>> M readProperties(ByteBuf in, M target, int depth)
      throws AmfDecodeException {
    checkDepth(depth);
    while (true) {
      String key = readUtf8(in);
      if (key.isEmpty()) {
        need(in, 1, "object-end marker");
        if (in.getUnsignedByte(in.readerIndex()) == Amf0.OBJECT_END) {
          in.skipBytes(1);
          return target;
        }
      }
      target.put(key, decodeValue(in, depth));
    }
  }

  private static List<Object> readStrictArray(ByteBuf in, int depth) throws AmfDecodeException {
    checkDepth(depth);
    need(in, 4, "strict array count");
    long count = in.readUnsignedInt();
    // Each element takes at least one byte: a larger count cannot be honest.
    if (count > in.readableBytes()) {
      throw new AmfDecodeException(
          "strict array of " + count + " elements in " + in.readableBytes() + " bytes");
    }
    List<Object> list = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      list.add(decodeValue(in, depth));
    }
    return list;
  }

  private static String readUtf8(ByteBuf in) throws AmfDecodeException {
    need(in, 2, "string length");
    int length = in.readUnsignedShort();
    need(in, length, "string");
    String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return s;
  }

  private static String readLongUtf8(ByteBuf in) throws AmfDecodeException {
    need(in, 4, "long string length");
    long length = in.readUnsignedInt();
    need(in, length, "long string");
    String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
    in.skipBytes((int) length);
    return s;
  }

  private static void checkDepth(int depth) throws AmfDecodeException {
    if (depth > MAX_DEPTH) {
      throw new AmfDecodeException("AMF0 nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private static void need(ByteBuf in, long bytes, String what) throws AmfDecodeException {
    if (in.readableBytes() < bytes) {
      throw new AmfDecodeException(
          "truncated AMF0 " + what + ": need " + bytes + " bytes, " + in.readableBytes() + " left");
    }
  }
}
