package dev.kiln.rtmp.protocol.flv;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15), the body of an H.264 sequence header.
 *
 * @param nalLengthSize bytes in each NAL unit length prefix of the frames (1, 2 or 4)
 * @param sps sequence parameter sets, NAL header byte included
 * @param pps picture parameter sets, NAL header byte included
 */
public record AvcDecoderConfig(int profileIndication, int profileCompatibility,
    int levelIndication, int nalLengthSize, List<byte[]> sps, List<byte[]> pps) {

  public AvcDecoderConfig {
    sps = List.copyOf(sps);
    pps = List.copyOf(pps);
  }

  public static AvcDecoderConfig parse(byte[] record) throws FlvParseException {
    try {
      ByteBuffer in = ByteBuffer.wrap(record);
      int version = in.get() & 0xFF;
      if (version != 1) {
        throw new FlvParseException("AVC configuration record version " + version);
      }
      int profile = in.get() & 0xFF;
      int compatibility = in.get() & 0xFF;
      int level = in.get() & 0xFF;
      int nalLengthSize = (in.get() & 0x03) + 1;
      if (nalLengthSize == 3) {
        throw new FlvParseException("AVC NAL length size 3");
      }
      int spsCount = in.get() & 0x1F;
      List<byte[]> sps = readNals(in, spsCount);
      int ppsCount = in.get() & 0xFF;
      List<byte[]> pps = readNals(in, ppsCount);
      return new AvcDecoderConfig(profile, compatibility, level, nalLengthSize, sps, pps);
    } catch (BufferUnderflowException e) {
      throw new FlvParseException("truncated AVC configuration record");
    }
  }

  static List<byte[]> readNals(ByteBuffer in, int count) {
    List<byte[]> nals = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.getShort() & 0xFFFF;
      byte[] nal = new byte[length];
      in.get(nal);
      nals.add(nal);
    }
    return nals;
  }

  /** The first SPS, parsed. */
  public AvcSps firstSps() throws FlvParseException {
    if (sps.isEmpty()) {
      throw new FlvParseException("AVC configuration record without an SPS");
    }
    return AvcSps.parse(sps.get(0));
  }
}
