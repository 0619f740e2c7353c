package dev.kiln.rtmp.protocol.flv;

/**
 * The start of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3): audio object type, sampling
 * rate and channel count. With explicit SBR/PS signalling (object type 5 or 29) the sampling
 * rate is the extension (output) rate and the object type the underlying one; parametric
 * stereo over a mono core counts as two channels.
 *
 * @param channels the channel count from the channel configuration, 0 when the channels are
 *     given by a program config element
 */
public record AudioSpecificConfig(int objectType, int sampleRate, int channels) {
  private static final int[] RATES = {
      96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
  private static final int SBR = 5;
  private static final int PS = 29;

  public static AudioSpecificConfig parse(byte[] config) throws FlvParseException {
    BitReader r = new BitReader(config);
    int objectType = readObjectType(r);
    int sampleRate = readRate(r);
    int channelConfig = r.readBits(4);
    boolean parametricStereo = objectType == PS;
    if (objectType == SBR || objectType == PS) {
      sampleRate = readRate(r);
      objectType = readObjectType(r);
    }
    int channels = switch (channelConfig) {
      case 0 -> 0;
      case 7 -> 8;
      default -> channelConfig <= 6 ? channelConfig : 0;
    };
    if (parametricStereo && channels == 1) {
      channels = 2; // parametric stereo turns a mono core into stereo output
    }
    return new AudioSpecificConfig(objectType, sampleRate, channels);
  }

  private static int readObjectType(BitReader r) throws FlvParseException {
    int type = r.readBits(5);
    return type == 31 ? 32 + r.readBits(6) : type;
  }

  private static int readRate(BitReader r) throws FlvParseException {
    int index = r.readBits(4);
    if (index == 15) {
      return r.readBits(24);
    }
    if (index >= RATES.length) {
      throw new FlvParseException("reserved sampling frequency index " + index);
    }
    return RATES[index];
  }
}
