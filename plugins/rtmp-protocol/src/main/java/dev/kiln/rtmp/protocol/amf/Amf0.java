package dev.kiln.rtmp.protocol.amf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AMF0 type markers and the Java values that stand for the AMF0 types without a natural Java
 * counterpart.
 *
 * <p>Mapping used by {@link Amf0Decoder} and {@link Amf0Encoder}: number ↔ {@link Double}
 * (any {@link Number} when encoding), boolean ↔ {@link Boolean}, string and long string ↔
 * {@link String}, object ↔ {@link Map} (a {@link LinkedHashMap}, keys in wire order), ECMA
 * array ↔ {@link EcmaArray}, strict array ↔ {@link java.util.List}, date ↔ {@link Date},
 * null ↔ {@code null}, undefined ↔ {@link #UNDEFINED}.
 */
public final class Amf0 {
  public static final int NUMBER = 0x00;
  public static final int BOOLEAN = 0x01;
  public static final int STRING = 0x02;
  public static final int OBJECT = 0x03;
  public static final int MOVIECLIP = 0x04;
  public static final int NULL = 0x05;
  public static final int UNDEFINED_MARKER = 0x06;
  public static final int REFERENCE = 0x07;
  public static final int ECMA_ARRAY = 0x08;
  public static final int OBJECT_END = 0x09;
  public static final int STRICT_ARRAY = 0x0A;
  public static final int DATE = 0x0B;
  public static final int LONG_STRING = 0x0C;
  public static final int UNSUPPORTED = 0x0D;
  public static final int RECORDSET = 0x0E;
  public static final int XML_DOCUMENT = 0x0F;
  public static final int TYPED_OBJECT = 0x10;
  public static final int AVMPLUS_OBJECT = 0x11;

  /** The AMF0 "undefined" value. */
  public static final Object UNDEFINED = Undefined.INSTANCE;

  private Amf0() {}

  private enum Undefined {
    INSTANCE;

    @Override
    public String toString() {
      return "undefined";
    }
  }

  /** An AMF0 ECMA (associative) array; kept apart from plain objects so it encodes back the same. */
  public static final class EcmaArray extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public EcmaArray() {}

    public EcmaArray(Map<String, ?> entries) {
      super(entries);
    }
  }

  /** An AMF0 date: milliseconds since the epoch (a double on the wire) and a time-zone field. */
  public record Date(double epochMillis, short timeZone) {}
}
