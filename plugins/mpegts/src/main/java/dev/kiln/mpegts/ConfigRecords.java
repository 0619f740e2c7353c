package dev.kiln.mpegts;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Builds the codec configuration records the kernel's tracks carry from the parameter sets
 * found in an Annex B stream: the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3) and
 * the HEVCDecoderConfigurationRecord (8.3.3), both with 4-byte NAL unit lengths.
 */
final class ConfigRecords {
  private ConfigRecords() {}

  /** avcC from one SPS and the PPSs (NAL units with their header byte). */
  static byte[] avcC(byte[] sps, List<byte[]> ppsList) {
    if (sps.length < 4) {
      throw new TsFormatException("H.264 SPS of " + sps.length + " bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int profile = sps[1] & 0xFF;
    out.write(1);
    out.write(profile);
    out.write(sps[2]);
    out.write(sps[3]);
    out.write(0xFF); // reserved + lengthSizeMinusOne = 3
    out.write(0xE1); // reserved + one SPS
    writeNal(out, sps);
    out.write(ppsList.size());
    for (byte[] pps : ppsList) {
      writeNal(out, pps);
    }
    if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
      int[] chroma = avcChroma(sps);
      out.write(0xFC | chroma[0]);
      out.write(0xF8 | chroma[1]);
      out.write(0xF8 | chroma[2]);
      out.write(0); // numOfSequenceParameterSetExt
    }
    return out.toByteArray();
  }

  /** chroma_format_idc, bit_depth_luma_minus8 and bit_depth_chroma_minus8 of a high-profile SPS. */
  private static int[] avcChroma(byte[] sps) {
    Bits r = new Bits(Bits.unescape(sps, 4));
    r.ue(); // seq_parameter_set_id
    int chroma = r.ue();
    if (chroma == 3) {
      r.flag(); // separate_colour_plane_flag
    }
    int luma = r.ue();
    int chromaDepth = r.ue();
    return new int[] {chroma & 3, luma & 7, chromaDepth & 7};
  }

  /** hvcC from the VPS, SPS and PPS NAL units (two-byte headers included). */
  static byte[] hvcC(byte[] vps, byte[] sps, byte[] pps) {
    byte[] rbsp = Bits.unescape(sps, 2);
    if (rbsp.length < 13) {
      throw new TsFormatException("H.265 SPS of " + sps.length + " bytes");
    }
    Bits r = new Bits(rbsp);
    r.read(4); // sps_video_parameter_set_id
    int maxSubLayersMinus1 = r.read(3);
    boolean temporalIdNesting = r.flag();
    // general profile_tier_level: 12 bytes copied as they are (bytes 1..12 of the RBSP).
    r.skip(96);
    boolean[] subProfile = new boolean[maxSubLayersMinus1];
    boolean[] subLevel = new boolean[maxSubLayersMinus1];
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      subProfile[i] = r.flag();
      subLevel[i] = r.flag();
    }
    if (maxSubLayersMinus1 > 0) {
      r.skip(2L * (8 - maxSubLayersMinus1));
    }
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      r.skip((subProfile[i] ? 88 : 0) + (subLevel[i] ? 8 : 0));
    }
    r.ue(); // sps_seq_parameter_set_id
    int chroma = r.ue();
    if (chroma == 3) {
      r.flag();
    }
    r.ue(); // width
    r.ue(); // height
    if (r.flag()) { // conformance window
      r.ue();
      r.ue();
      r.ue();
      r.ue();
    }
    int lumaDepthMinus8 = r.ue();
    int chromaDepthMinus8 = r.ue();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.write(rbsp, 1, 12); // profile space/tier/idc, compatibility flags, constraint flags, level
    out.write(0xF0); // reserved + min_spatial_segmentation_idc = 0
    out.write(0x00);
    out.write(0xFC); // reserved + parallelismType = 0
    out.write(0xFC | (chroma & 3));
    out.write(0xF8 | (lumaDepthMinus8 & 7));
    out.write(0xF8 | (chromaDepthMinus8 & 7));
    out.write(0); // avgFrameRate
    out.write(0);
    out.write(((maxSubLayersMinus1 + 1) & 7) << 3 | (temporalIdNesting ? 1 << 2 : 0) | 3);
    out.write(3); // VPS, SPS, PPS arrays
    writeArray(out, 32, vps);
    writeArray(out, 33, sps);
    writeArray(out, 34, pps);
    return out.toByteArray();
  }

  private static void writeArray(ByteArrayOutputStream out, int type, byte[] nal) {
    out.write(0x80 | type); // array_completeness = 1
    out.write(0);
    out.write(1);
    writeNal(out, nal);
  }

  private static void writeNal(ByteArrayOutputStream out, byte[] nal) {
    if (nal.length > 0xFFFF) {
      throw new TsFormatException("parameter set of " + nal.length + " bytes");
    }
    out.write(nal.length >>> 8);
    out.write(nal.length);
    out.write(nal, 0, nal.length);
  }

  /** AudioSpecificConfig (2 bytes) from an ADTS header's fields. */
  static byte[] audioSpecificConfig(int objectType, int frequencyIndex, int channelConfig) {
    int v = (objectType << 11) | (frequencyIndex << 7) | (channelConfig << 3);
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }
}
