package dev.kiln.rtmp.protocol.flv;

/**
 * The parts of an H.265 sequence parameter set Kiln needs: profile, tier, level and the
 * displayed size (luma size less the conformance window).
 */
public record HevcSps(int profileIdc, int tier, int levelIdc, int chromaFormatIdc, int width,
    int height) {

  /** Parses an SPS NAL unit, two-byte NAL header included. */
  public static HevcSps parse(byte[] nal) throws FlvParseException {
    if (nal.length < 3 || ((nal[0] >>> 1) & 0x3F) != HevcDecoderConfig.NAL_SPS) {
      throw new FlvParseException("not an H.265 SPS NAL unit");
    }
    BitReader r = new BitReader(BitReader.unescape(nal, 2, nal.length));
    r.readBits(4); // sps_video_parameter_set_id
    int maxSubLayersMinus1 = r.readBits(3);
    r.readFlag(); // sps_temporal_id_nesting_flag
    // profile_tier_level(1, maxSubLayersMinus1): general part
    r.readBits(2); // general_profile_space
    int tier = r.readBits(1);
    int profileIdc = r.readBits(5);
    r.skipBits(32 + 48); // compatibility flags, constraint flags
    int levelIdc = r.readBits(8);
    boolean[] subProfile = new boolean[maxSubLayersMinus1];
    boolean[] subLevel = new boolean[maxSubLayersMinus1];
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      subProfile[i] = r.readFlag();
      subLevel[i] = r.readFlag();
    }
    if (maxSubLayersMinus1 > 0) {
      r.skipBits(2L * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
    }
    for (int i = 0; i < maxSubLayersMinus1; i++) {
      if (subProfile[i]) {
        r.skipBits(88);
      }
      if (subLevel[i]) {
        r.skipBits(8);
      }
    }
    r.readUe(); // sps_seq_parameter_set_id
    int chromaFormatIdc = r.readUe();
    if (chromaFormatIdc > 3) {
      throw new FlvParseException("chroma_format_idc " + chromaFormatIdc);
    }
    boolean separateColourPlane = chromaFormatIdc == 3 && r.readFlag();
    long width = r.readUe();
    long height = r.readUe();
    if (r.readFlag()) { // conformance_window_flag
      long left = r.readUe();
      long right = r.readUe();
      long top = r.readUe();
      long bottom = r.readUe();
      int arrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int subWidth = arrayType == 1 || arrayType == 2 ? 2 : 1;
      int subHeight = arrayType == 1 ? 2 : 1;
      width -= subWidth * (left + right);
      height -= subHeight * (top + bottom);
    }
    if (width <= 0 || height <= 0 || width > 16888 || height > 16888) {
      throw new FlvParseException("implausible picture size " + width + "x" + height);
    }
    return new HevcSps(profileIdc, tier, levelIdc, chromaFormatIdc, (int) width, (int) height);
  }
}
