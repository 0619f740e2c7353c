package dev.kiln.rtmp.protocol.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CodecConfigTest {

  @Test
  void highProfileSpsWithoutCropping() throws Exception {
    AvcSps sps = AvcSps.parse(avcSps(100, 31, 1280, 720, true, false));
    assertThat(sps.profileIdc()).isEqualTo(100);
    assertThat(sps.levelIdc()).isEqualTo(31);
    assertThat(sps.chromaFormatIdc()).isEqualTo(1);
    assertThat(sps.width()).isEqualTo(1280);
    assertThat(sps.height()).isEqualTo(720);
  }

  @Test
  void croppingIsAppliedInChromaUnits() throws Exception {
    assertThat(AvcSps.parse(avcSps(100, 40, 1920, 1080, true, false)))
        .extracting(AvcSps::width, AvcSps::height).containsExactly(1920, 1080);
    assertThat(AvcSps.parse(avcSps(66, 30, 640, 360, true, false)))
        .extracting(AvcSps::width, AvcSps::height).containsExactly(640, 360);
    // interlaced: map units are field macroblock pairs; crop unit doubles vertically
    assertThat(AvcSps.parse(avcSps(100, 40, 1920, 1080, false, false)))
        .extracting(AvcSps::width, AvcSps::height).containsExactly(1920, 1080);
    // odd width: crop on the right
    assertThat(AvcSps.parse(avcSps(77, 30, 1366, 768, true, true)))
        .extracting(AvcSps::width, AvcSps::height).containsExactly(1366, 768);
  }

  @Test
  void spsParserRefusesTruncatedAndForeignInput() {
    byte[] sps = avcSps(100, 31, 1280, 720, true, false);
    for (int cut = 0; cut < sps.length; cut++) {
      try {
        AvcSps.parse(Arrays.copyOf(sps, cut)); // may succeed when only trailing bits are cut
      } catch (FlvParseException expected) {
        // refused with the checked error, never anything else
      }
    }
    byte[] half = Arrays.copyOf(sps, sps.length / 2);
    assertThatThrownBy(() -> AvcSps.parse(half)).isInstanceOf(FlvParseException.class);
    assertThatThrownBy(() -> AvcSps.parse(new byte[] {0x68, 1, 2, 3}))
        .isInstanceOf(FlvParseException.class).hasMessageContaining("not an H.264 SPS");
  }

  @Test
  void avcConfigurationRecordGivesParameterSets() throws Exception {
    byte[] sps = avcSps(100, 31, 1280, 720, true, false);
    byte[] pps = {0x68, (byte) 0xEB, (byte) 0xE3, (byte) 0xCB, 0x22, (byte) 0xC0};
    byte[] record = avcRecord(sps, pps);
    AvcDecoderConfig config = AvcDecoderConfig.parse(record);
    assertThat(config.profileIndication()).isEqualTo(100);
    assertThat(config.levelIndication()).isEqualTo(31);
    assertThat(config.nalLengthSize()).isEqualTo(4);
    assertThat(config.sps()).hasSize(1);
    assertThat(config.sps().get(0)).isEqualTo(sps);
    assertThat(config.pps().get(0)).isEqualTo(pps);
    assertThat(config.firstSps().width()).isEqualTo(1280);
    for (int cut = 0; cut < record.length; cut++) {
      byte[] truncated = Arrays.copyOf(record, cut);
      assertThatThrownBy(() -> AvcDecoderConfig.parse(truncated)).isInstanceOf(FlvParseException.class);
    }
  }

  @Test
  void emulationPreventionBytesAreRemoved() {
    byte[] escaped = {0, 0, 3, 1, 5, 0, 0, 3, 0, 0, 3};
    assertThat(BitReader.unescape(escaped, 0, escaped.length)).containsExactly(0, 0, 1, 5, 0, 0, 0, 0);
  }

  @Test
  void hevcSpsAndConfigurationRecord() throws Exception {
    byte[] sps = hevcSps(1920, 1080, 0);
    assertThat(HevcSps.parse(sps)).extracting(HevcSps::profileIdc, HevcSps::levelIdc,
        HevcSps::width, HevcSps::height).containsExactly(1, 123, 1920, 1080);
    // two temporal sub-layers: sub-layer flags and reserved bits come before the size
    assertThat(HevcSps.parse(hevcSps(1280, 720, 1))).extracting(HevcSps::width, HevcSps::height)
        .containsExactly(1280, 720);

    byte[] vps = {0x40, 0x01, 0x0C, 0x01};
    byte[] pps = {0x44, 0x01, (byte) 0xC1, 0x72};
    byte[] record = hevcRecord(vps, sps, pps);
    HevcDecoderConfig config = HevcDecoderConfig.parse(record);
    assertThat(config.nalLengthSize()).isEqualTo(4);
    assertThat(config.profileIdc()).isEqualTo(1);
    assertThat(config.levelIdc()).isEqualTo(123);
    assertThat(config.chromaFormat()).isEqualTo(1);
    assertThat(config.vps().get(0)).isEqualTo(vps);
    assertThat(config.pps().get(0)).isEqualTo(pps);
    assertThat(config.firstSps().height()).isEqualTo(1080);
    for (int cut = 0; cut < record.length; cut++) {
      byte[] truncated = Arrays.copyOf(record, cut);
      assertThatThrownBy(() -> HevcDecoderConfig.parse(truncated)).isInstanceOf(FlvParseException.class);
    }
  }

  @Test
  void audioSpecificConfig() throws Exception {
    assertThat(AudioSpecificConfig.parse(new byte[] {0x11, (byte) 0x90}))
        .isEqualTo(new AudioSpecificConfig(2, 48000, 2));
    assertThat(AudioSpecificConfig.parse(new byte[] {0x12, 0x10}))
        .isEqualTo(new AudioSpecificConfig(2, 44100, 2));
    assertThat(AudioSpecificConfig.parse(new byte[] {0x11, (byte) 0x88}))
        .isEqualTo(new AudioSpecificConfig(2, 48000, 1));
    // HE-AAC with explicit SBR: core 24 kHz, output 48 kHz
    byte[] he = new BitWriter().u(5, 5).u(4, 6).u(4, 2).u(4, 3).u(5, 2).bytes();
    assertThat(AudioSpecificConfig.parse(he)).isEqualTo(new AudioSpecificConfig(2, 48000, 2));
    // HE-AAC v2 (parametric stereo) over a mono core
    byte[] ps = new BitWriter().u(5, 29).u(4, 6).u(4, 1).u(4, 3).u(5, 2).bytes();
    assertThat(AudioSpecificConfig.parse(ps)).isEqualTo(new AudioSpecificConfig(2, 48000, 2));
    // escaped object type and explicit rate
    byte[] escaped = new BitWriter().u(5, 31).u(6, 10).u(4, 15).u(24, 37800).u(4, 7).bytes();
    assertThat(AudioSpecificConfig.parse(escaped)).isEqualTo(new AudioSpecificConfig(42, 37800, 8));
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[] {0x11}))
        .isInstanceOf(FlvParseException.class);
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[] {0x16, (byte) 0x90}))
        .isInstanceOf(FlvParseException.class).hasMessageContaining("frequency index 13");
  }

  /** An H.264 SPS NAL unit for the given size (progressive or interlaced). */
  static byte[] avcSps(int profile, int level, int width, int height, boolean progressive,
      boolean scalingMatrix) {
    int widthMbs = (width + 15) / 16;
    int mapUnitHeight = progressive ? 16 : 32;
    int heightMapUnits = (height + mapUnitHeight - 1) / mapUnitHeight;
    int codedHeight = heightMapUnits * mapUnitHeight;
    BitWriter w = new BitWriter().u(8, profile).u(8, 0).u(8, level).ue(0);
    boolean high = profile == 100;
    if (high) {
      w.ue(1).ue(0).ue(0).flag(false).flag(scalingMatrix);
      if (scalingMatrix) {
        for (int i = 0; i < 8; i++) {
          w.flag(i == 0);
          if (i == 0) {
            for (int j = 0; j < 16; j++) {
              w.se(j == 0 ? 8 : 0); // first delta moves to 16, then flat
            }
          }
        }
      }
    }
    w.ue(0).ue(0).ue(2).ue(4).flag(false).ue(widthMbs - 1).ue(heightMapUnits - 1);
    w.flag(progressive);
    if (!progressive) {
      w.flag(false);
    }
    w.flag(true);
    int cropRight = widthMbs * 16 - width;
    int cropBottom = codedHeight - height;
    boolean crop = cropRight != 0 || cropBottom != 0;
    w.flag(crop);
    if (crop) {
      int unitY = progressive ? 2 : 4;
      w.ue(0).ue(cropRight / 2).ue(0).ue(cropBottom / unitY);
    }
    w.flag(false); // no VUI
    return BitWriter.nal(new byte[] {0x67}, w.rbsp());
  }

  static byte[] avcRecord(byte[] sps, byte[] pps) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {1, sps[1], sps[2], sps[3], (byte) 0xFF, (byte) 0xE1});
    out.write(sps.length >> 8);
    out.write(sps.length);
    out.writeBytes(sps);
    out.write(1);
    out.write(pps.length >> 8);
    out.write(pps.length);
    out.writeBytes(pps);
    return out.toByteArray();
  }

  /** An H.265 SPS NAL unit (Main profile, level 4.1) for the given size. */
  static byte[] hevcSps(int width, int height, int maxSubLayersMinus1) {
    int codedWidth = (width + 7) / 8 * 8;
    int codedHeight = (height + 7) / 8 * 8;
    BitWriter w = new BitWriter().u(4, 0).u(3, maxSubLayersMinus1).u(1, 1);
    w.u(2, 0).u(1, 0).u(5, 1).u(32, 0x60000000L).u(48, 0x900000000000L).u(8, 123);
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      w.flag(true).flag(true);
    }
    if (maxSubLayersMinus1 > 0) {
      for (int i = maxSubLayersMinus1; i < 8; i++) {
        w.u(2, 0);
      }
    }
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      w.u(32, 0).u(32, 0).u(24, 0); // 88 bits of sub-layer profile
      w.u(8, 90);
    }
    w.ue(0).ue(1).ue(codedWidth).ue(codedHeight);
    boolean window = codedWidth != width || codedHeight != height;
    w.flag(window);
    if (window) {
      w.ue(0).ue((codedWidth - width) / 2).ue(0).ue((codedHeight - height) / 2);
    }
    w.ue(0).ue(0).ue(4); // bit depths, log2_max_poc_lsb: the parser stops before these
    return BitWriter.nal(new byte[] {0x42, 0x01}, w.rbsp());
  }

  static byte[] hevcRecord(byte[] vps, byte[] sps, byte[] pps) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] fixed = new byte[22];
    fixed[0] = 1;
    fixed[1] = 0x01; // profile space 0, tier 0, Main
    fixed[2] = 0x60;
    fixed[12] = 123;
    fixed[13] = (byte) 0xF0;
    fixed[15] = (byte) 0xFC;
    fixed[16] = (byte) 0xFD; // chroma format 1
    fixed[17] = (byte) 0xF8;
    fixed[18] = (byte) 0xF8;
    fixed[21] = 0x0F; // length size 4
    out.writeBytes(fixed);
    out.write(3);
    byte[][] nals = {vps, sps, pps};
    int[] types = {32, 33, 34};
    for (int i = 0; i < 3; i++) {
      out.write(0x80 | types[i]);
      out.write(0);
      out.write(1);
      out.write(nals[i].length >> 8);
      out.write(nals[i].length);
      out.writeBytes(nals[i]);
    }
    return out.toByteArray();
  }
}
