package dev.kiln.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AudioSpecificConfig;
import dev.kiln.rtmp.protocol.flv.AvcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.HevcDecoderConfig;
import dev.kiln.testkit.FfmpegTool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds transport streams made at test time by the bundled ffmpeg through the demuxer, in
 * random slices, and checks tracks, frame counts, timestamps and key frames against ffprobe;
 * then damaged and hostile input.
 */
class TsDemuxerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  private static byte[] h264;
  private static byte[] hevc;
  private static List<Probed> h264Probe;
  private static List<Probed> hevcProbe;

  /** One packet as ffprobe lists it. */
  record Probed(int stream, long pts, long dts, boolean keyframe) {}

  @BeforeAll
  static void makeStreams() throws Exception {
    h264 = make("h264.ts", "libx264", "-bf", "2");
    hevc = make("hevc.ts", "libx265", "-x265-params", "log-level=error:bframes=2");
    h264Probe = probe(dir.resolve("h264.ts"));
    hevcProbe = probe(dir.resolve("hevc.ts"));
  }

  private static byte[] make(String name, String encoder, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("-y",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "3", "-c:v", encoder, "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p"));
    args.addAll(List.of(options));
    args.addAll(List.of("-c:a", "aac", "-ac", "2", "-f", "mpegts", dir.resolve(name).toString()));
    FfmpegTool.Result r = FfmpegTool.runFfmpeg(TIMEOUT, args);
    assertThat(r.exitCode()).as(r.output()).isZero();
    return Files.readAllBytes(dir.resolve(name));
  }

  private static List<Probed> probe(Path file) {
    FfmpegTool.Result r = FfmpegTool.runFfprobe(TIMEOUT, List.of("-v", "error",
        "-show_entries", "packet=stream_index,pts,dts,flags", "-of", "csv=p=0", file.toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    List<Probed> out = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      String[] f = line.trim().split(",");
      if (f.length >= 4 && f[0].matches("\\d+") && f[1].matches("\\d+") && f[2].matches("\\d+")) {
        out.add(new Probed(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
            f[3].startsWith("K")));
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static RecordingListener demux(byte[] ts, Random slices) {
    RecordingListener listener = new RecordingListener();
    try (TsDemuxer demuxer = new TsDemuxer("test", listener)) {
      feedSliced(demuxer, ts, slices, 1, 3000);
      demuxer.flush();
    }
    return listener;
  }

  private static void feedSliced(TsDemuxer demuxer, byte[] ts, Random random, int min, int max) {
    int i = 0;
    while (i < ts.length) {
      int n = Math.min(ts.length - i, min + random.nextInt(max - min + 1));
      ByteBuf buf = Unpooled.directBuffer(n).writeBytes(ts, i, n);
      try {
        demuxer.feed(buf);
      } finally {
        buf.release();
      }
      i += n;
    }
  }

  @Test
  void h264AndAacMatchFfprobe() throws Exception {
    RecordingListener got = demux(h264, new Random(1));

    assertThat(got.declarations).hasSize(1);
    List<Track> tracks = got.lastTracks();
    assertThat(tracks).extracting(Track::id).containsExactly(0, 1);
    Track video = tracks.get(0);
    Track audio = tracks.get(1);
    assertThat(video.codec()).isEqualTo(Codec.H264);
    assertThat(video.timescale()).isEqualTo(90000);
    assertThat(video.width()).isEqualTo(320);
    assertThat(video.height()).isEqualTo(240);
    assertThat(AvcDecoderConfig.parse(video.config()).firstSps().width()).isEqualTo(320);
    assertThat(audio.codec()).isEqualTo(Codec.AAC);
    assertThat(audio.sampleRate()).isEqualTo(48000);
    assertThat(audio.channels()).isEqualTo(2);
    AudioSpecificConfig asc = AudioSpecificConfig.parse(audio.config());
    assertThat(asc.objectType()).isEqualTo(2);
    assertThat(asc.sampleRate()).isEqualTo(48000);

    assertMatches(got, h264Probe);
    assertLengthPrefixed(got.of(0), false);
  }

  @Test
  void hevcAndAacMatchFfprobe() throws Exception {
    RecordingListener got = demux(hevc, new Random(2));

    Track video = got.lastTracks().get(0);
    assertThat(video.codec()).isEqualTo(Codec.H265);
    assertThat(video.width()).isEqualTo(320);
    assertThat(video.height()).isEqualTo(240);
    HevcDecoderConfig config = HevcDecoderConfig.parse(video.config());
    assertThat(config.firstSps().width()).isEqualTo(320);
    assertThat(config.profileIdc()).isEqualTo(1);
    assertThat(got.lastTracks().get(1).codec()).isEqualTo(Codec.AAC);

    assertMatches(got, hevcProbe);
    assertLengthPrefixed(got.of(0), true);
  }

  @Test
  void wholePacketsAndDatagramsGiveTheSameResult() {
    RecordingListener one = demux(h264, new Random(3));
    RecordingListener datagrams = new RecordingListener();
    try (TsDemuxer demuxer = new TsDemuxer(datagrams)) {
      feedSliced(demuxer, h264, new Random(4), 1316, 1316);
      demuxer.flush();
    }
    assertThat(datagrams.packets).hasSameSizeAs(one.packets);
    for (int i = 0; i < one.packets.size(); i++) {
      assertThat(datagrams.packets.get(i).data()).isEqualTo(one.packets.get(i).data());
      assertThat(datagrams.packets.get(i).pts()).isEqualTo(one.packets.get(i).pts());
    }
  }

  /** Per stream: the same number of packets, the same pts, dts and key frames, in order. */
  private static void assertMatches(RecordingListener got, List<Probed> expected) {
    for (int stream = 0; stream < 2; stream++) {
      int s = stream;
      List<Probed> want = expected.stream().filter(p -> p.stream() == s).toList();
      List<RecordingListener.Packet> have = got.of(stream);
      assertThat(have).as("packets of track %d", stream).hasSameSizeAs(want);
      for (int i = 0; i < want.size(); i++) {
        RecordingListener.Packet p = have.get(i);
        assertThat(new Probed(s, p.pts(), p.dts(), p.keyframe()))
            .as("packet %d of track %d", i, s).isEqualTo(want.get(i));
      }
    }
  }

  /** Every video payload is 4-byte length-prefixed NAL units, none a parameter set or AUD. */
  private static void assertLengthPrefixed(List<RecordingListener.Packet> packets, boolean hevc) {
    for (RecordingListener.Packet p : packets) {
      byte[] d = p.data();
      int i = 0;
      while (i < d.length) {
        assertThat(d.length - i).isGreaterThanOrEqualTo(5);
        int len = ((d[i] & 0xFF) << 24) | ((d[i + 1] & 0xFF) << 16) | ((d[i + 2] & 0xFF) << 8) | (d[i + 3] & 0xFF);
        assertThat(len).isPositive().isLessThanOrEqualTo(d.length - i - 4);
        int type = hevc ? (d[i + 4] >>> 1) & 0x3F : d[i + 4] & 0x1F;
        assertThat(type).isNotIn(hevc ? List.of(32, 33, 34, 35) : List.of(7, 8, 9));
        i += 4 + len;
      }
    }
  }

  @Test
  void resynchronisesAfterGarbage() {
    Random random = new Random(5);
    byte[] junk = new byte[5000];
    random.nextBytes(junk);
    int cut = 188 * 200 + 77;
    byte[] mixed = concat(junk, Arrays.copyOf(h264, cut), junk, Arrays.copyOfRange(h264, cut, h264.length));
    RecordingListener got = new RecordingListener();
    long garbage;
    try (TsDemuxer demuxer = new TsDemuxer(got)) {
      feedSliced(demuxer, mixed, random, 1, 2000);
      demuxer.flush();
      garbage = demuxer.garbageBytes();
    }
    assertThat(garbage).isGreaterThanOrEqualTo(2 * junk.length - 2 * 188);
    assertThat(got.lastTracks()).hasSize(2);
    long videoWanted = h264Probe.stream().filter(p -> p.stream() == 0).count();
    // At most the frames around the cut are lost.
    assertThat(got.of(0).size()).isBetween((int) videoWanted - 3, (int) videoWanted);
  }

  @Test
  void damagedInputNeverThrowsNorLeaks() {
    Random random = new Random(6);
    for (int round = 0; round < 40; round++) {
      byte[] damaged = h264.clone();
      for (int i = 0; i < 200; i++) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      byte[] cut = Arrays.copyOf(damaged, random.nextInt(damaged.length));
      RecordingListener got = new RecordingListener();
      assertThatCode(() -> {
        try (TsDemuxer demuxer = new TsDemuxer(got)) {
          feedSliced(demuxer, cut, random, 1, 4000);
          if (random.nextBoolean()) {
            demuxer.flush();
          }
        }
      }).doesNotThrowAnyException();
    }
  }

  @Test
  void randomBytesAndTsShapedNoiseGiveNothing() {
    Random random = new Random(7);
    byte[] noise = new byte[200_000];
    random.nextBytes(noise);
    for (int i = 0; i < noise.length; i += 188) {
      noise[i] = 0x47; // sync bytes in place, headers and payloads random
    }
    RecordingListener got = new RecordingListener();
    try (TsDemuxer demuxer = new TsDemuxer(got)) {
      feedSliced(demuxer, noise, random, 1, 1500);
      demuxer.flush();
      assertThat(demuxer.problems()).isGreaterThanOrEqualTo(0);
    }
    assertThat(got.declarations).isEmpty();
    assertThat(got.packets).isEmpty();
  }

  @Test
  void closeReleasesHeldPacketsAndIsIdempotent() {
    // Only the first part: the audio stream is known and held, video may be incomplete.
    RecordingListener got = new RecordingListener();
    TsDemuxer demuxer = new TsDemuxer(got);
    ByteBuf buf = Unpooled.wrappedBuffer(h264, 0, 188 * 40 + 100);
    demuxer.feed(buf);
    buf.release();
    demuxer.close();
    demuxer.close();
    ByteBuf more = Unpooled.wrappedBuffer(h264);
    demuxer.feed(more); // ignored once closed
    more.release();
    assertThat(got.packets.size()).isLessThan(h264Probe.size());
  }

  @Test
  void timestampsAreUnwrappedAcrossThe33BitWrap() {
    Timeline t = new Timeline();
    long wrap = 1L << 33;
    assertThat(t.unwrap(wrap - 3000)).isEqualTo(wrap - 3000);
    assertThat(t.unwrap(1000)).isEqualTo(wrap + 1000);
    assertThat(t.unwrap(wrap - 100)).isEqualTo(wrap - 100); // a B-frame just before the wrap
    assertThat(t.unwrap(5000)).isEqualTo(wrap + 5000);
    assertThat(t.unwrap(3 * 90000)).isEqualTo(wrap + 3 * 90000);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }
}
