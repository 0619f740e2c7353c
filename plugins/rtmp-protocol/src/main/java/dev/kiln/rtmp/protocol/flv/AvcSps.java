package dev.kiln.rtmp.protocol.flv;

/**
 * The parts of an H.264 sequence parameter set Kiln needs: profile, level and the displayed
 * size (coded size less the frame cropping).
 */
public record AvcSps(int profileIdc, int constraintFlags, int levelIdc, int chromaFormatIdc,
    int width, int height) {

  private static final int NAL_TYPE_SPS = 7;

  /** Parses an SPS NAL unit, header byte included. */
  public static AvcSps parse(byte[] nal) throws FlvParseException {
    if (nal.length < 4 || (nal[0] & 0x1F) != NAL_TYPE_SPS) {
      throw new FlvParseException("not an H.264 SPS NAL unit");
    }
    BitReader r = new BitReader(BitReader.unescape(nal, 1, nal.length));
    int profileIdc = r.readBits(8);
    int constraintFlags = r.readBits(8);
    int levelIdc = r.readBits(8);
    r.readUe(); // seq_parameter_set_id
    int chromaFormatIdc = 1;
    boolean separateColourPlane = false;
    if (hasChromaInfo(profileIdc)) {
      chromaFormatIdc = r.readUe();
      if (chromaFormatIdc > 3) {
        throw new FlvParseException("chroma_format_idc " + chromaFormatIdc);
      }
      if (chromaFormatIdc == 3) {
        separateColourPlane = r.readFlag();
      }
      r.readUe(); // bit_depth_luma_minus8
      r.readUe(); // bit_depth_chroma_minus8
      r.readFlag(); // qpprime_y_zero_transform_bypass_flag
      if (r.readFlag()) { // seq_scaling_matrix_present_flag
        int lists = chromaFormatIdc == 3 ? 12 : 8;
        for (int i = 0; i < lists; i++) {
          if (r.readFlag()) {
            skipScalingList(r, i < 6 ? 16 : 64);
          }
        }
      }
    }
    r.readUe(); // log2_max_frame_num_minus4
    int pocType = r.readUe();
    if (pocType == 0) {
      r.readUe(); // log2_max_pic_order_cnt_lsb_minus4
    } else if (pocType == 1) {
      r.readFlag(); // delta_pic_order_always_zero_flag
      r.readSe(); // offset_for_non_ref_pic
      r.readSe(); // offset_for_top_to_bottom_field
      int cycle = r.readUe();
      if (cycle > 255) {
        throw new FlvParseException("num_ref_frames_in_pic_order_cnt_cycle " + cycle);
      }
      for (int i = 0; i < cycle; i++) {
        r.readSe();
      }
    }
    r.readUe(); // max_num_ref_frames
    r.readFlag(); // gaps_in_frame_num_value_allowed_flag
    long widthInMbs = r.readUe() + 1L;
    long heightInMapUnits = r.readUe() + 1L;
    boolean frameMbsOnly = r.readFlag();
    if (!frameMbsOnly) {
      r.readFlag(); // mb_adaptive_frame_field_flag
    }
    r.readFlag(); // direct_8x8_inference_flag
    long width = widthInMbs * 16;
    long height = (frameMbsOnly ? 1 : 2) * heightInMapUnits * 16;
    if (r.readFlag()) { // frame_cropping_flag
      long left = r.readUe();
      long right = r.readUe();
      long top = r.readUe();
      long bottom = r.readUe();
      int arrayType = separateColourPlane ? 0 : chromaFormatIdc;
      int cropX = arrayType == 0 || arrayType == 3 ? 1 : 2;
      int cropY = (arrayType == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
      width -= cropX * (left + right);
      height -= cropY * (top + bottom);
    }
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
      throw new FlvParseException("implausible picture size " + width + "x" + height);
    }
    return new AvcSps(profileIdc, constraintFlags, levelIdc, chromaFormatIdc, (int) width,
        (int) height);
  }

  private static boolean hasChromaInfo(int profileIdc) {
    return switch (profileIdc) {
      case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
      default -> false;
    };
  }

  private static void skipScalingList(BitReader r, int size) throws FlvParseException {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        int delta = r.readSe();
        next = (last + delta + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }
}
