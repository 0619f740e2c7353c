package dev.kiln.rtmp.protocol.flv;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An HEVCDecoderConfigurationRecord (ISO/IEC 14496-15), the body of an H.265 sequence start.
 *
 * @param nalLengthSize bytes in each NAL unit length prefix of the frames (1, 2 or 4)
 * @param vps video parameter sets, NAL header included
 * @param sps sequence parameter sets, NAL header included
 * @param pps picture parameter sets, NAL header included
 */
public record HevcDecoderConfig(int profileIdc, int tier, int levelIdc, int chromaFormat,
    int nalLengthSize, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps) {

  static final int NAL_VPS = 32;
  static final int NAL_SPS = 33;
  static final int NAL_PPS = 34;
  private static final int FIXED_PART = 22;

  public HevcDecoderConfig {
    vps = List.copyOf(vps);
    sps = List.copyOf(sps);
    pps = List.copyOf(pps);
  }

  public static HevcDecoderConfig parse(byte[] record) throws FlvParseException {
    if (record.length < FIXED_PART + 1) {
      throw new FlvParseException("truncated HEVC configuration record");
    }
    if (record[0] != 1) {
      throw new FlvParseException("HEVC configuration record version " + record[0]);
    }
    int tier = (record[1] >>> 5) & 0x01;
    int profileIdc = record[1] & 0x1F;
    int levelIdc = record[12] & 0xFF;
    int chromaFormat = record[16] & 0x03;
    int nalLengthSize = (record[21] & 0x03) + 1;
    if (nalLengthSize == 3) {
      throw new FlvParseException("HEVC NAL length size 3");
    }
    List<byte[]> vps = new ArrayList<>();
    List<byte[]> sps = new ArrayList<>();
    List<byte[]> pps = new ArrayList<>();
    try {
      ByteBuffer in = ByteBuffer.wrap(record, FIXED_PART, record.length - FIXED_PART);
      int arrays = in.get() & 0xFF;
      for (int i = 0; i < arrays; i++) {
        int type = in.get() & 0x3F;
        int count = in.getShort() & 0xFFFF;
        List<byte[]> nals = AvcDecoderConfig.readNals(in, count);
        switch (type) {
          case NAL_VPS -> vps.addAll(nals);
          case NAL_SPS -> sps.addAll(nals);
          case NAL_PPS -> pps.addAll(nals);
          default -> { } // SEI and others: not needed
        }
      }
    } catch (BufferUnderflowException e) {
      throw new FlvParseException("truncated HEVC configuration record");
    }
    return new HevcDecoderConfig(profileIdc, tier, levelIdc, chromaFormat, nalLengthSize, vps, sps,
        pps);
  }

  /** The first SPS, parsed. */
  public HevcSps firstSps() throws FlvParseException {
    if (sps.isEmpty()) {
      throw new FlvParseException("HEVC configuration record without an SPS");
    }
    return HevcSps.parse(sps.get(0));
  }
}
