package dev.kiln.push.internal.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AudioSpecificConfig;
import dev.kiln.rtmp.protocol.flv.AudioTag;
import dev.kiln.rtmp.protocol.flv.AudioTagParser;
import dev.kiln.rtmp.protocol.flv.TagKind;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import dev.kiln.rtmp.protocol.flv.VideoTag;
import dev.kiln.rtmp.protocol.flv.VideoTagParser;
import dev.kiln.testkit.FfmpegTool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Media made at test time: ffmpeg encodes a few seconds of {@code testsrc2} and a sine tone into
 * an FLV file, which is read back here into tracks and packets as the media bus would carry
 * them (video at a 90 kHz timescale, audio at 1 kHz).
 */
record TestMedia(List<Track> tracks, List<MediaPacket> packets) {
  static final int WIDTH = 320;
  static final int HEIGHT = 240;
  static final int FPS = 30;
  static final int GOP = 30;
  static final int VIDEO_TRACK = 0;
  static final int AUDIO_TRACK = 1;
  static final int VIDEO_TIMESCALE = 90_000;

  /** H.264 (with B-frames) or H.265, and AAC, {@code seconds} long. */
  static TestMedia generate(Path dir, boolean hevc, int seconds) throws Exception {
    Path flv = dir.resolve(hevc ? "source-hevc.flv" : "source-h264.flv");
    List<String> args = new ArrayList<>(List.of(
        "-f", "lavfi", "-i", "testsrc2=size=" + WIDTH + "x" + HEIGHT + ":rate=" + FPS,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-t", String.valueOf(seconds)));
    if (hevc) {
      args.addAll(List.of("-c:v", "libx265", "-preset", "ultrafast",
          "-x265-params", "keyint=" + GOP + ":min-keyint=" + GOP + ":scenecut=0:bframes=2:log-level=error"));
    } else {
      args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-bf", "2",
          "-g", String.valueOf(GOP), "-sc_threshold", "0"));
    }
    args.addAll(List.of("-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-ac", "2",
        "-f", "flv", "-y", flv.toString()));
    FfmpegTool.Result result = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), args);
    assertThat(result.exitCode()).as(result.output()).isZero();
    return read(flv);
  }

  /** Reads an FLV file's audio and video tags. */
  static TestMedia read(Path flv) throws Exception {
    ByteBuf file = Unpooled.wrappedBuffer(Files.readAllBytes(flv));
    file.skipBytes(9 + 4); // FLV header, PreviousTagSize0
    byte[] videoConfig = null;
    byte[] audioConfig = null;
    Codec videoCodec = null;
    List<MediaPacket> packets = new ArrayList<>();
    while (file.readableBytes() >= 11) {
      int type = file.readUnsignedByte();
      int size = file.readUnsignedMedium();
      long timestamp = file.readUnsignedMedium() | ((long) file.readUnsignedByte() << 24);
      file.skipBytes(3);
      ByteBuf body = file.readSlice(size);
      file.skipBytes(4);
      if (type == 9) {
        VideoTag tag = VideoTagParser.parse(timestamp, body);
        if (tag.kind() == TagKind.CONFIG) {
          videoConfig = tag.config();
          videoCodec = tag.codec() == VideoCodec.HEVC ? Codec.H265 : Codec.H264;
        } else if (tag.kind() == TagKind.FRAME) {
          packets.add(new MediaPacket(VIDEO_TRACK, tag.ptsMs() * 90, tag.dtsMs() * 90,
              tag.keyframe(), new BytesPayload(ByteBufUtil.getBytes(tag.payload()))));
        }
      } else if (type == 8) {
        AudioTag tag = AudioTagParser.parse(timestamp, body);
        if (tag.kind() == TagKind.CONFIG) {
          audioConfig = tag.config();
        } else if (tag.kind() == TagKind.FRAME) {
          packets.add(new MediaPacket(AUDIO_TRACK, timestamp, timestamp, true,
              new BytesPayload(ByteBufUtil.getBytes(tag.payload()))));
        }
      }
    }
    assertThat(videoConfig).as("video sequence header in " + flv).isNotNull();
    assertThat(audioConfig).as("audio sequence header in " + flv).isNotNull();
    AudioSpecificConfig asc = AudioSpecificConfig.parse(audioConfig);
    List<Track> tracks = List.of(
        Track.video(VIDEO_TRACK, videoCodec, VIDEO_TIMESCALE, WIDTH, HEIGHT, videoConfig),
        Track.audio(AUDIO_TRACK, Codec.AAC, 1000, asc.sampleRate(), asc.channels(), audioConfig));
    return new TestMedia(tracks, packets);
  }

  long count(int trackId) {
    return packets.stream().filter(p -> p.trackId() == trackId).count();
  }

  /** Drops the test's own references. */
  void release() {
    packets.forEach(p -> p.payload().release());
  }

  /** Whether every payload is back to the test's single reference (the target kept none). */
  boolean onlyTestReferencesLeft() {
    return packets.stream().allMatch(p -> p.payload().refCount() == 1);
  }
}
