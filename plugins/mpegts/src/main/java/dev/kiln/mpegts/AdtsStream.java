package dev.kiln.mpegts;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import java.util.Arrays;

/**
 * An AAC stream in ADTS: every frame becomes one packet without its ADTS header; the first
 * frame of a PES takes the PES's PTS and each further frame 1024 samples more. A frame cut by
 * the end of a PES is completed from the next one.
 */
final class AdtsStream extends ElementaryStream {
  private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050,
      16000, 12000, 11025, 8000, 7350};
  private static final int MAX_FRAME = 8191;

  private byte[] carry = new byte[0];
  private long nextPts = NO_TIMESTAMP;

  AdtsStream(int pid, int streamType) {
    super(pid, streamType, Codec.AAC);
  }

  @Override
  void onPes(byte[] pes, int from, int to, long pts, long dts, Output out) {
    byte[] b = pes;
    int i = from;
    int end = to;
    long base;
    if (carry.length > 0) {
      b = new byte[carry.length + (to - from)];
      System.arraycopy(carry, 0, b, 0, carry.length);
      System.arraycopy(pes, from, b, carry.length, to - from);
      i = 0;
      end = b.length;
      carry = new byte[0];
      base = nextPts != NO_TIMESTAMP ? nextPts : pts;
    } else {
      base = pts != NO_TIMESTAMP ? pts : nextPts;
    }
    if (base == NO_TIMESTAMP) {
      out.problem("PID " + pid + ": AAC PES without a PTS, dropped");
      return;
    }
    int frames = 0;
    int rate = 0;
    boolean skipped = false;
    while (end - i >= 7) {
      if ((b[i] & 0xFF) != 0xFF || (b[i + 1] & 0xF6) != 0xF0) {
        i++;
        skipped = true;
        continue;
      }
      int profile = (b[i + 2] >>> 6) & 3;
      int frequencyIndex = (b[i + 2] >>> 2) & 0xF;
      int channels = ((b[i + 2] & 1) << 2) | ((b[i + 3] >>> 6) & 3);
      int frameLength = ((b[i + 3] & 3) << 11) | ((b[i + 4] & 0xFF) << 3) | ((b[i + 5] & 0xE0) >>> 5);
      int headerLength = (b[i + 1] & 1) != 0 ? 7 : 9;
      int blocks = (b[i + 6] & 3) + 1;
      if (frequencyIndex >= RATES.length || frameLength <= headerLength) {
        i++;
        skipped = true;
        continue;
      }
      if (i + frameLength > end) {
        break; // continues in the next PES
      }
      rate = RATES[frequencyIndex];
      setTrack(Track.audio(0, Codec.AAC, TsDemuxer.TIMESCALE, rate, channels == 7 ? 8 : channels,
          ConfigRecords.audioSpecificConfig(profile + 1, frequencyIndex, channels)), out);
      long framePts = base + (long) frames * 1024 * TsDemuxer.TIMESCALE / rate;
      out.packet(this, framePts, framePts, true,
          out.alloc().buffer(frameLength - headerLength)
              .writeBytes(b, i + headerLength, frameLength - headerLength));
      frames += blocks;
      i += frameLength;
    }
    if (skipped) {
      out.problem("PID " + pid + ": bytes outside ADTS frames skipped");
    }
    if (rate > 0) {
      nextPts = base + (long) frames * 1024 * TsDemuxer.TIMESCALE / rate;
    }
    if (end > i && end - i <= MAX_FRAME) {
      carry = Arrays.copyOfRange(b, i, end);
    }
  }

  @Override
  void reset() {
    super.reset();
    carry = new byte[0];
  }
}
