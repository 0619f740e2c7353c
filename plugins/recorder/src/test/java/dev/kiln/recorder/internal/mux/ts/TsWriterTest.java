package dev.kiln.recorder.internal.mux.ts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.recorder.internal.mux.Container;
import dev.kiln.recorder.internal.mux.ContainerWriter;
import dev.kiln.recorder.internal.mux.DefaultWriterFactory;
import dev.kiln.recorder.internal.mux.FfmpegWriter;
import dev.kiln.recorder.internal.mux.MuxException;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes real media (made by ffmpeg at test time, read back as Kiln-style packets) with
 * {@link TsWriter} and checks the files with ffprobe and ffmpeg: codecs, frame counts,
 * durations, increasing timestamps, a warning-free decode that gives the same pictures as the
 * source, and the packet layout (continuity counters, PCR spacing, tables before key frames).
 */
class TsWriterTest {
    private static final String[] AV = {
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "3", "-pix_fmt", "yuv420p",
    };

    @TempDir
    static Path dir;
    private static SourceMedia avc;

    @BeforeAll
    static void source() {
        List<String> args = new ArrayList<>(List.of(AV));
        args.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "30",
                "-c:a", "aac", "-b:a", "64k", "-ac", "2"));
        avc = SourceMedia.make(dir.resolve("avc.mp4"), 1000, args.toArray(String[]::new));
    }

    @Test
    void h264AndAacWithMillisecondTimestampsAndBFrames() throws IOException {
        Path ts = write(avc, "avc.ts");

        Map<Integer, Map<String, String>> streams = probeStreams(ts);
        assertThat(streams.get(0)).containsEntry("codec_name", "h264").containsEntry("nb_read_frames", "" + avc.count(0));
        assertThat(streams.get(1)).containsEntry("codec_name", "aac").containsEntry("nb_read_frames", "" + avc.count(1));
        assertThat(Double.parseDouble(streams.get(0).get("duration"))).isCloseTo(avc.seconds(0), org.assertj.core.data.Offset.offset(0.1));
        assertThat(Double.parseDouble(streams.get(0).get("start_time"))).as("timestamps as they come").isLessThan(0.1);
        assertDecodesCleanly(ts);
        assertIncreasingTimestamps(ts, 2);
        assertThat(pictures(ts)).isEqualTo(pictures(dir.resolve("avc.mp4")));

        TsLayout layout = TsLayout.of(ts);
        assertThat(layout.continuityErrors()).isZero();
        assertThat(layout.tablePackets()).startsWith(0);
        long keyframes = avc.packets().stream().filter(p -> p.track() == 0 && p.keyframe()).count();
        assertThat(layout.randomAccessStarts()).isEqualTo(keyframes);
        assertThat(layout.randomAccessAfterTables()).isEqualTo(keyframes);
        assertThat(layout.unitStarts()).isEqualTo(avc.packets().size());
        assertThat(layout.largestPcrStep()).isLessThanOrEqualTo(3600);
    }

    @Test
    void h265AndAacAt90kHz() throws IOException {
        List<String> args = new ArrayList<>(List.of(AV));
        args.set(args.indexOf("3"), "2");
        args.addAll(List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=30",
                "-tag:v", "hvc1", "-c:a", "aac", "-b:a", "64k"));
        SourceMedia hevc = SourceMedia.make(dir.resolve("hevc.mp4"), 90_000, args.toArray(String[]::new));
        Path ts = write(hevc, "hevc.ts");

        Map<Integer, Map<String, String>> streams = probeStreams(ts);
        assertThat(streams.get(0)).containsEntry("codec_name", "hevc").containsEntry("nb_read_frames", "" + hevc.count(0));
        assertThat(streams.get(1)).containsEntry("codec_name", "aac").containsEntry("nb_read_frames", "" + hevc.count(1));
        assertDecodesCleanly(ts);
        assertIncreasingTimestamps(ts, 2);
        assertThat(pictures(ts)).isEqualTo(pictures(dir.resolve("hevc.mp4")));
        assertThat(TsLayout.of(ts).continuityErrors()).isZero();
    }

    @Test
    void aacAloneCarriesPcrAndTablesOnItsOwn() throws IOException {
        SourceMedia aac = SourceMedia.make(dir.resolve("aac.mp4"), 1000,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "4", "-c:a", "aac", "-b:a", "48k");
        Path ts = write(aac, "aac.ts");

        Map<Integer, Map<String, String>> streams = probeStreams(ts);
        assertThat(streams).hasSize(1);
        assertThat(streams.get(0)).containsEntry("codec_name", "aac").containsEntry("sample_rate", "44100")
                .containsEntry("nb_read_frames", "" + aac.count(0));
        assertThat(Double.parseDouble(streams.get(0).get("duration"))).isCloseTo(aac.seconds(0), org.assertj.core.data.Offset.offset(0.1));
        assertDecodesCleanly(ts);
        assertIncreasingTimestamps(ts, 1);
        TsLayout layout = TsLayout.of(ts);
        assertThat(layout.continuityErrors()).isZero();
        assertThat(layout.largestPcrStep()).isLessThanOrEqualTo(3600);
        assertThat(layout.tablePackets().size()).as("a PAT at least every 100 ms over ~4 s").isBetween(40, 50);
    }

    @Test
    void opusStereo() throws IOException {
        SourceMedia opus = SourceMedia.make(dir.resolve("opus.mp4"), 1000,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2", "-ac", "2",
                "-c:a", "libopus", "-b:a", "64k");
        assertThat(TsWriter.supports(opus.tracks())).isTrue();
        Path ts = write(opus, "opus.ts");

        Map<Integer, Map<String, String>> streams = probeStreams(ts);
        assertThat(streams.get(0)).containsEntry("codec_name", "opus").containsEntry("channels", "2")
                .containsEntry("nb_read_frames", "" + opus.count(0));
        assertDecodesCleanly(ts);
        assertIncreasingTimestamps(ts, 1);
    }

    @Test
    void whatReachedTheDiskBeforeCloseIsPlayable() throws IOException {
        Path ts = dir.resolve("cut.ts");
        TsWriter writer = TsWriter.open(ts, avc.tracks());
        avc.writeTo(writer, Integer.MAX_VALUE);
        Path cut = Files.copy(ts, dir.resolve("cut-copy.ts"));
        assertThat(writer.bytes()).isGreaterThanOrEqualTo(Files.size(cut));
        assertThat(Files.size(cut) % 188).isZero();
        writer.close();
        assertThat(Files.size(ts)).isEqualTo(writer.bytes());

        FfmpegTool.Result probe = FfmpegTool.runFfprobe(Duration.ofSeconds(30),
                List.of("-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", cut.toString()));
        assertThat(Double.parseDouble(probe.output().trim())).as("flushed at least every second of media")
                .isGreaterThan(avc.seconds(0) - 1.2);
    }

    @Test
    void theFactoryKeepsFfmpegForMp4AndForTracksWithoutAMapping() {
        DefaultWriterFactory factory = new DefaultWriterFactory();
        try (ContainerWriter w = factory.open(dir.resolve("f.ts"), Container.TS, avc.tracks())) {
            assertThat(w).isInstanceOf(TsWriter.class);
        }
        try (ContainerWriter w = factory.open(dir.resolve("f.mp4"), Container.MP4, avc.tracks())) {
            assertThat(w).isInstanceOf(FfmpegWriter.class);
        }
        List<Track> mp3 = List.of(Track.audio(0, Codec.MP3, 1000, 44100, 2, new byte[0]));
        try (ContainerWriter w = factory.open(dir.resolve("mp3.ts"), Container.TS, mp3)) {
            assertThat(w).isInstanceOf(FfmpegWriter.class);
        }
        Track video = avc.tracks().get(0);
        assertThat(TsWriter.supports(List.of(video.withIdAndName(0, "")))).isTrue();
        assertThat(TsWriter.supports(List.of())).isFalse();
        assertThat(TsWriter.supports(List.of(Track.video(0, Codec.H264, 1000, 2, 2, new byte[] {1, 2, 3})))).isFalse();
        assertThat(TsWriter.supports(List.of(Track.audio(0, Codec.AAC, 1000, 48000, 2, new byte[] {0x10, 0x00})))).as("PCE layout").isFalse();
        byte[] sixChannels = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 6, 0, 0, (byte) 0x80, (byte) 0xBB, 0, 0, 0, 0, 1,
            4, 2, 0, 4, 1, 2, 3, 5};
        assertThat(TsWriter.supports(List.of(Track.audio(0, Codec.OPUS, 1000, 48000, 6, sixChannels)))).isFalse();
    }

    @Test
    void adtsHeadersFollowTheAudioSpecificConfig() {
        byte[] out = new byte[64];
        // AAC-LC, 48 kHz, stereo
        AdtsTrack lc = AdtsTrack.of(Track.audio(0, Codec.AAC, 1000, 48000, 2, new byte[] {0x11, (byte) 0x90}), 0x100, 0xC0);
        int end = lc.payload(ByteBuffer.wrap(new byte[] {0x21, 0x10, 0x05}), true, out, 0);
        assertThat(end).isEqualTo(10);
        assertThat(java.util.Arrays.copyOf(out, 7)).containsExactly(0xFF, 0xF1, 0x4C, 0x80, 0x01, 0x5F, 0xFC);
        // HE-AAC with explicit SBR signalling: 24 kHz core (index 6), stereo, LC core in ADTS
        byte[] he = {0x2B, 0x11, (byte) 0x88, 0x00};
        AdtsTrack sbr = AdtsTrack.of(Track.audio(0, Codec.AAC, 1000, 48000, 2, he), 0x100, 0xC0);
        sbr.payload(ByteBuffer.wrap(new byte[] {0x21}), true, out, 0);
        assertThat(out[2] & 0xFF).isEqualTo(1 << 6 | 6 << 2);
    }

    @Test
    void failuresAreMuxExceptions() throws IOException {
        Path blocked = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> TsWriter.open(blocked.resolve("a.ts"), avc.tracks()))
                .isInstanceOf(MuxException.class).hasMessageContaining("a.ts");
        TsWriter w = TsWriter.open(dir.resolve("closed.ts"), avc.tracks());
        w.close();
        assertThatThrownBy(() -> w.write(0, 0, 0, true, ByteBuffer.allocate(8))).isInstanceOf(MuxException.class);
    }

    // ---- helpers ----

    private static Path write(SourceMedia media, String name) {
        Path ts = dir.resolve(name);
        try (TsWriter writer = TsWriter.open(ts, media.tracks())) {
            assertThat(media.writeTo(writer, Integer.MAX_VALUE)).isEqualTo(media.packets().size());
        }
        return ts;
    }

    /** Per stream index, ffprobe's fields (frames counted by decoding). */
    private static Map<Integer, Map<String, String>> probeStreams(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error", "-count_frames",
                "-show_entries", "stream=index,codec_name,start_time,duration,nb_read_frames,sample_rate,channels",
                "-of", "default=nw=1", file.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<Integer, Map<String, String>> out = new HashMap<>();
        Map<String, String> current = null;
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1).trim();
            if (key.equals("index")) {
                current = new HashMap<>();
                out.put(Integer.parseInt(value), current);
            } else if (current != null) {
                current.put(key, value);
            }
        }
        return out;
    }

    /** ffmpeg decodes the whole file and has nothing to say at warning level. */
    private static void assertDecodesCleanly(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60),
                List.of("-v", "warning", "-nostats", "-i", file.toString(), "-f", "null", "-"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.output().trim()).as("ffmpeg's warnings").isEmpty();
    }

    /** Each stream's DTS increases from packet to packet and PTS is never before DTS. */
    private static void assertIncreasingTimestamps(Path file, int streams) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error",
                "-show_entries", "packet=stream_index,pts,dts", "-of", "compact=p=0", file.toString()));
        assertThat(r.exitCode()).isZero();
        Map<Integer, Long> last = new HashMap<>();
        int packets = 0;
        for (String line : r.output().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> f = new HashMap<>();
            for (String kv : line.trim().split("\\|")) {
                String[] p = kv.split("=", 2);
                f.put(p[0], p[1]);
            }
            int stream = Integer.parseInt(f.get("stream_index"));
            long dts = Long.parseLong(f.get("dts"));
            long pts = Long.parseLong(f.get("pts"));
            assertThat(pts).isGreaterThanOrEqualTo(dts);
            Long prev = last.put(stream, dts);
            if (prev != null) {
                assertThat(dts).as("stream %d packet %d", stream, packets).isGreaterThan(prev);
            }
            packets++;
        }
        assertThat(last).hasSize(streams);
    }

    /** The decoded pictures' MD5s in output order. */
    private static List<String> pictures(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), List.of("-v", "error", "-i", file.toString(),
                "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framemd5", "-"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> md5s = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (!line.startsWith("#") && line.contains(",")) {
                md5s.add(line.substring(line.lastIndexOf(',') + 1).trim());
            }
        }
        assertThat(md5s).isNotEmpty();
        return md5s;
    }
}
