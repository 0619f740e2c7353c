package dev.kiln.mpegts;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AvcSps;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import dev.kiln.rtmp.protocol.flv.HevcSps;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An H.264 or H.265 stream: each PES is one access unit in Annex B. Parameter sets become the
 * track's configuration record (and are left out of the packets, as are access unit
 * delimiters); the other NAL units are written 4-byte length-prefixed.
 */
final class VideoStream extends ElementaryStream {
  private final boolean hevc;
  private byte[] vps;
  private byte[] sps;
  private byte[] pps;
  private boolean configDirty;
  private final List<int[]> nals = new ArrayList<>();

  VideoStream(int pid, int streamType, Codec codec) {
    super(pid, streamType, codec);
    this.hevc = codec == Codec.H265;
  }

  @Override
  void onPes(byte[] b, int from, int to, long pts, long dts, Output out) {
    nals.clear();
    split(b, from, to);
    boolean keyframe = false;
    int size = 0;
    for (int[] nal : nals) {
      int start = nal[0];
      int len = nal[1];
      int type = hevc ? (b[start] >>> 1) & 0x3F : b[start] & 0x1F;
      if (hevc) {
        switch (type) {
          case 32 -> vps = keep(vps, b, start, len);
          case 33 -> sps = keep(sps, b, start, len);
          case 34 -> pps = keep(pps, b, start, len);
          case 35 -> { } // access unit delimiter
          default -> {
            keyframe |= type >= 16 && type <= 23;
            size += 4 + len;
            continue;
          }
        }
      } else {
        switch (type) {
          case 7 -> sps = keep(sps, b, start, len);
          case 8 -> pps = keep(pps, b, start, len);
          case 9 -> { } // access unit delimiter
          default -> {
            keyframe |= type == 5;
            size += 4 + len;
            continue;
          }
        }
      }
      nal[1] = -1; // not written
    }
    if (configDirty) {
      updateTrack(out);
    }
    if (size == 0) {
      return;
    }
    if (track() == null) {
      out.problem("PID " + pid + ": " + codec + " frame before its parameter sets, dropped");
      return;
    }
    if (pts == NO_TIMESTAMP) {
      out.problem("PID " + pid + ": video PES without a PTS, dropped");
      return;
    }
    ByteBuf payload = out.alloc().buffer(size);
    for (int[] nal : nals) {
      if (nal[1] > 0) {
        payload.writeInt(nal[1]);
        payload.writeBytes(b, nal[0], nal[1]);
      }
    }
    out.packet(this, pts, dts, keyframe, payload);
  }

  private byte[] keep(byte[] current, byte[] b, int start, int len) {
    if (current != null && current.length == len
        && Arrays.equals(current, 0, len, b, start, start + len)) {
      return current;
    }
    configDirty = true;
    return Arrays.copyOfRange(b, start, start + len);
  }

  private void updateTrack(Output out) {
    if (sps == null || pps == null || (hevc && vps == null)) {
      return;
    }
    configDirty = false;
    try {
      Track t;
      if (hevc) {
        HevcSps s = HevcSps.parse(sps);
        t = Track.video(0, codec, TsDemuxer.TIMESCALE, s.width(), s.height(),
            ConfigRecords.hvcC(vps, sps, pps));
      } else {
        AvcSps s = AvcSps.parse(sps);
        t = Track.video(0, codec, TsDemuxer.TIMESCALE, s.width(), s.height(),
            ConfigRecords.avcC(sps, List.of(pps)));
      }
      setTrack(t, out);
    } catch (FlvParseException | TsFormatException e) {
      out.problem("PID " + pid + ": unusable " + codec + " parameter sets: " + e.getMessage());
    }
  }

  /** Finds the NAL units between Annex B start codes; trailing zero bytes are not kept. */
  private void split(byte[] b, int from, int to) {
    int start = -1;
    int i = from;
    while (i + 2 < to) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        if (start >= 0) {
          add(b, start, i);
        }
        i += 3;
        start = i;
      } else {
        i++;
      }
    }
    if (start >= 0) {
      add(b, start, to);
    }
  }

  private void add(byte[] b, int start, int end) {
    while (end > start && b[end - 1] == 0) {
      end--;
    }
    int min = hevc ? 2 : 1;
    if (end - start >= min) {
      nals.add(new int[] {start, end - start});
    }
  }
}
