package dev.kiln.mpegts;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * One elementary stream of the program: gathers the TS payloads of its PID into PES packets,
 * reads their headers and hands the PES payload with its timestamps to the codec-specific
 * subclass. The PES bytes are kept in a reused heap array, so nothing here is reference-counted
 * until a media packet is built.
 */
abstract class ElementaryStream {
  /** A PES larger than this is dropped (16 MiB: several 4K intra frames). */
  static final int MAX_PES_BYTES = 16 << 20;
  static final long NO_TIMESTAMP = Long.MIN_VALUE;

  /** Where a stream sends what it found. */
  interface Output {
    ByteBufAllocator alloc();

    /** A media packet; takes over the payload's reference. */
    void packet(ElementaryStream stream, long pts, long dts, boolean keyframe, ByteBuf payload);

    /** The stream's {@link #track()} changed. */
    void trackChanged(ElementaryStream stream);

    /** A problem with the input, to log (rate-limited by the demuxer). */
    void problem(String what);

    long unwrap(long raw33);
  }

  final int pid;
  final int streamType;
  final Codec codec;
  int lastCc = -1;
  private byte[] pes = new byte[4096];
  private int length;
  private boolean open;
  private int declaredLength = -1;
  /** The track (id 0) once the configuration is known. */
  private Track track;

  ElementaryStream(int pid, int streamType, Codec codec) {
    this.pid = pid;
    this.streamType = streamType;
    this.codec = codec;
  }

  Track track() {
    return track;
  }

  void setTrack(Track t, Output out) {
    if (!t.equals(track)) {
      track = t;
      out.trackChanged(this);
    }
  }

  /** Payload bytes of one TS packet of this PID. */
  final void payload(byte[] b, int from, int to, boolean unitStart, Output out) {
    if (unitStart) {
      if (open && length > 0) {
        flush(out);
      }
      open = true;
      length = 0;
      declaredLength = -1;
    }
    if (!open) {
      return; // waiting for the start of the next PES
    }
    int n = to - from;
    if (length + n > MAX_PES_BYTES) {
      out.problem("PID " + pid + ": PES larger than " + MAX_PES_BYTES + " bytes, dropped");
      drop();
      return;
    }
    if (length + n > pes.length) {
      pes = Arrays.copyOf(pes, Math.max(length + n, Math.min(MAX_PES_BYTES, pes.length * 2)));
    }
    System.arraycopy(b, from, pes, length, n);
    length += n;
    if (declaredLength < 0 && length >= 6) {
      int l = ((pes[4] & 0xFF) << 8) | (pes[5] & 0xFF);
      declaredLength = l == 0 ? 0 : l + 6;
    }
    if (declaredLength > 0 && length >= declaredLength) {
      flush(out);
    }
  }

  /** Forgets a partial PES (continuity error, lost sync). */
  final void drop() {
    open = false;
    length = 0;
    declaredLength = -1;
  }

  /** Hands over a PES still open (its end is the end of the input). */
  final void finish(Output out) {
    if (open && length > 0) {
      flush(out);
    }
  }

  private void flush(Output out) {
    int total = length;
    open = false;
    length = 0;
    byte[] b = pes;
    if (total < 9 || b[0] != 0 || b[1] != 0 || b[2] != 1) {
      out.problem("PID " + pid + ": PES without a start code");
      return;
    }
    int end = declaredLength > 0 ? Math.min(total, declaredLength) : total;
    int flags = b[7] & 0xFF;
    int headerEnd = 9 + (b[8] & 0xFF);
    if ((b[6] & 0xC0) != 0x80 || headerEnd > end) {
      out.problem("PID " + pid + ": malformed PES header");
      return;
    }
    long pts = NO_TIMESTAMP;
    long dts = NO_TIMESTAMP;
    int ptsDts = flags >>> 6;
    if (ptsDts == 2 || ptsDts == 3) {
      if (headerEnd < 14) {
        out.problem("PID " + pid + ": PES header too short for its PTS");
        return;
      }
      pts = out.unwrap(timestamp(b, 9));
      dts = pts;
      if (ptsDts == 3) {
        if (headerEnd < 19) {
          out.problem("PID " + pid + ": PES header too short for its DTS");
          return;
        }
        dts = out.unwrap(timestamp(b, 14));
      }
    }
    onPes(b, headerEnd, end, pts, dts, out);
  }

  private static long timestamp(byte[] b, int i) {
    return ((long) (b[i] & 0x0E) << 29)
        | ((long) (b[i + 1] & 0xFF) << 22)
        | ((long) (b[i + 2] & 0xFE) << 14)
        | ((long) (b[i + 3] & 0xFF) << 7)
        | ((b[i + 4] & 0xFE) >>> 1);
  }

  /** One PES payload; {@code pts}/{@code dts} unwrapped, or {@link #NO_TIMESTAMP}. */
  abstract void onPes(byte[] b, int from, int to, long pts, long dts, Output out);

  /** Lets go of what is held between PES packets. */
  void reset() {
    drop();
  }
}
