package dev.kiln.rtmp.protocol.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {

  @Test
  void roundTripsEveryType() throws Exception {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("app", "live");
    object.put("tcUrl", "rtmp://127.0.0.1:1935/live");
    object.put("fpad", false);
    object.put("capabilities", 15.0);
    object.put("nothing", null);
    object.put("nested", new LinkedHashMap<>(Map.of("k", "v")));
    Amf0.EcmaArray ecma = new Amf0.EcmaArray();
    ecma.put("width", 1280.0);
    ecma.put("height", 720.0);
    ecma.put("encoder", "Lavf61.7.100");
    List<Object> strict = new ArrayList<>(Arrays.asList(1.0, "two", true, null));
    String longString = "x".repeat(70_000);
    Object[] values = {
        "connect", 1.0, object, null, Amf0.UNDEFINED, ecma, strict,
        new Amf0.Date(1.7e12, (short) 0), longString, "é ünïcødé ✓", -0.5, Double.NaN};

    ByteBuf buf = Unpooled.buffer();
    try {
      Amf0Encoder.encodeAll(buf, values);
      List<Object> decoded = Amf0Decoder.decodeAll(buf);
      assertThat(decoded).hasSize(values.length);
      assertThat(decoded.get(0)).isEqualTo("connect");
      assertThat(decoded.get(1)).isEqualTo(1.0);
      assertThat(decoded.get(2)).isEqualTo(object).isNotInstanceOf(Amf0.EcmaArray.class);
      assertThat(new ArrayList<Object>(((Map<?, ?>) decoded.get(2)).keySet())).containsExactlyElementsOf(object.keySet());
      assertThat(decoded.get(3)).isNull();
      assertThat(decoded.get(4)).isSameAs(Amf0.UNDEFINED);
      assertThat(decoded.get(5)).isInstanceOf(Amf0.EcmaArray.class).isEqualTo(ecma);
      assertThat(decoded.get(6)).isEqualTo(strict);
      assertThat(decoded.get(7)).isEqualTo(new Amf0.Date(1.7e12, (short) 0));
      assertThat(decoded.get(8)).isEqualTo(longString);
      assertThat(decoded.get(9)).isEqualTo("é ünïcødé ✓");
      assertThat(decoded.get(10)).isEqualTo(-0.5);
      assertThat((Double) decoded.get(11)).isNaN();
    } finally {
      buf.release();
    }
  }

  @Test
  void longStringUsesTheLongMarker() {
    ByteBuf buf = Unpooled.buffer();
    try {
      Amf0Encoder.encode(buf, "y".repeat(65_536));
      assertThat(buf.getByte(0)).isEqualTo((byte) Amf0.LONG_STRING);
      buf.clear();
      Amf0Encoder.encode(buf, "y".repeat(65_535));
      assertThat(buf.getByte(0)).isEqualTo((byte) Amf0.STRING);
    } finally {
      buf.release();
    }
  }

  @Test
  void everyTruncationOfAValidEncodingIsACheckedError() {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("a", 1.0);
    object.put("b", new Amf0.EcmaArray(Map.of("c", "d")));
    object.put("e", List.of(true, "f"));
    Object[] values = {"name", 2.0, object, new Amf0.Date(0, (short) 0), "z".repeat(66_000)};
    ByteBuf full = Unpooled.buffer();
    java.util.Set<Integer> boundaries = new java.util.HashSet<>();
    int longStringStart = 0;
    for (Object value : values) {
      longStringStart = full.writerIndex();
      Amf0Encoder.encode(full, value);
      boundaries.add(full.writerIndex());
    }
    byte[] bytes = ByteBufUtil.getBytes(full);
    full.release();
    List<Integer> wrong = new ArrayList<>();
    List<Integer> cuts = new ArrayList<>();
    for (int cut = 1; cut < longStringStart + 16; cut++) {
      cuts.add(cut); // every cut up to a little way into the long string
    }
    cuts.add(bytes.length - 1);
    for (int cut : cuts) {
      ByteBuf truncated = Unpooled.wrappedBuffer(bytes, 0, cut);
      boolean decoded;
      try {
        Amf0Decoder.decodeAll(truncated);
        decoded = true;
      } catch (AmfDecodeException expected) {
        decoded = false;
      } finally {
        truncated.release();
      }
      if (decoded != boundaries.contains(cut)) {
        wrong.add(cut);
      }
    }
    assertThat(wrong).as("cuts decoded although not at a value boundary, or the reverse").isEmpty();
  }

  @Test
  void malformedInputIsACheckedError() {
    assertRejected("unknown AMF0 type marker", 0x20);
    assertRejected("object-end marker outside", 0x09);
    assertRejected("references are not supported", 0x07, 0x00, 0x01);
    assertRejected("AMF3", 0x11, 0x02);
    assertRejected("truncated AMF0 number", 0x00, 0x40);
    assertRejected("truncated AMF0 string", 0x02, 0x00, 0x05, 'a');
    assertRejected("truncated AMF0 long string", 0x0C, 0x7F, 0xFF, 0xFF, 0xFF, 'a');
    // strict array claiming 2^32-1 elements in 1 byte: refused before allocating anything
    assertRejected("strict array of 4294967295 elements", 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05);
    // object with no end marker
    assertRejected("truncated", 0x03, 0x00, 0x01, 'k', 0x05);
  }

  @Test
  void nestingIsCapped() throws Exception {
    ByteBuf deep = Unpooled.buffer();
    for (int i = 0; i < Amf0Decoder.MAX_DEPTH + 5; i++) {
      deep.writeByte(Amf0.OBJECT).writeShort(1).writeByte('k');
    }
    deep.writeByte(Amf0.NULL);
    try {
      assertThatThrownBy(() -> Amf0Decoder.decode(deep))
          .isInstanceOf(AmfDecodeException.class).hasMessageContaining("nesting");
    } finally {
      deep.release();
    }

    ByteBuf ok = Unpooled.buffer();
    Map<String, Object> value = null;
    for (int i = 0; i < Amf0Decoder.MAX_DEPTH; i++) {
      Map<String, Object> outer = new LinkedHashMap<>();
      outer.put("k", value);
      value = outer;
    }
    Amf0Encoder.encode(ok, value);
    try {
      assertThat(Amf0Decoder.decode(ok)).isEqualTo(value);
    } finally {
      ok.release();
    }
  }

  @Test
  void ecmaArrayCountIsNotTrusted() throws Exception {
    // Count says 0 but two entries follow, as some encoders write it.
    ByteBuf buf = Unpooled.buffer();
    buf.writeByte(Amf0.ECMA_ARRAY).writeInt(0);
    buf.writeShort(1).writeByte('a').writeByte(Amf0.BOOLEAN).writeByte(1);
    buf.writeShort(1).writeByte('b').writeByte(Amf0.NULL);
    buf.writeShort(0).writeByte(Amf0.OBJECT_END);
    try {
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("a", true);
      expected.put("b", null);
      assertThat(Amf0Decoder.decode(buf)).isEqualTo(expected);
    } finally {
      buf.release();
    }
  }

  @Test
  void encoderRefusesUnknownTypes() {
    ByteBuf buf = Unpooled.buffer();
    try {
      assertThatThrownBy(() -> Amf0Encoder.encode(buf, new Object()))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      buf.release();
    }
  }

  private static void assertRejected(String message, int... bytes) {
    ByteBuf buf = Unpooled.buffer();
    for (int b : bytes) {
      buf.writeByte(b);
    }
    try {
      assertThatThrownBy(() -> Amf0Decoder.decodeAll(buf))
          .isInstanceOf(AmfDecodeException.class).hasMessageContaining(message);
    } finally {
      buf.release();
    }
  }
}
