package dev.kiln.codec.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.OutputTrackStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real media through a session: a 3 s 640x360 H.264 + AAC FLV made by the bundled ffmpeg. */
class TranscodeSessionTest {
    private static final Executor INLINE = Runnable::run;

    @TempDir
    static Path dir;
    private static Path flv;

    @BeforeAll
    static void media() {
        flv = Media.makeFlv(dir, "640x360", 3);
    }

    static EncodeSpec video(String name, Codec codec, int w, int h, int bitrate, int kfi, String modules) {
        return new EncodeSpec(name, MediaType.VIDEO, false, codec, w, h, 0, bitrate, kfi, 0, "", "", modules, 0, 0,
                Map.of());
    }

    static EncodeSpec audio(String name, Codec codec, int bitrate, int rate, int channels, Map<String, String> match) {
        return new EncodeSpec(name, MediaType.AUDIO, false, codec, 0, 0, 0, bitrate, 0, 0, "", "", "", rate, channels,
                match);
    }

    static EncodeSpec bypassVideo() {
        return new EncodeSpec("bypass_video", MediaType.VIDEO, true, null, 0, 0, 0, 0, 0, 0, "", "", "", 0, 0, Map.of());
    }

    /** The input that was fed (its payloads can be checked) and the closed session. */
    private record Ran(Media.Input in, TranscodeSession session) {}

    /** Feeds every packet and the end; returns the input so that its payloads can be checked. */
    private static Media.Input run(OutputSpec spec, Fakes.Output out, Executor executor) {
        return transcode(spec, out, executor).in();
    }

    private static Ran transcode(OutputSpec spec, Fakes.Output out, Executor executor) {
        Media.Input in = Media.read(flv);
        Fakes.Input input = new Fakes.Input();
        TranscodeSession session = new TranscodeSession(input, spec, out, executor, () -> { }).start();
        assertThat(session.trackStatus()).as("nothing known before the tracks").isEmpty();
        input.sink.onTracks(in.tracks());
        in.packets().forEach(input.sink::onPacket);
        input.sink.onEnd();
        session.close();
        assertThat(input.unsubscribed).isTrue();
        return new Ran(in, session);
    }

    private static void assertAllReleased(Media.Input in, Fakes.Output out) {
        out.packets.forEach(p -> p.payload().release());
        assertThat(in.packets()).allSatisfy(p -> assertThat(p.payload().refCount()).isZero());
    }

    @Test
    void defaultProfileAndARenditionComeOutAsPlayableTracks() {
        OutputSpec spec = new OutputSpec("abr", "cam_abr", List.of(bypassVideo(),
                video("v240", Codec.H264, 426, 240, 400_000, 0, ""),
                audio("opus", Codec.OPUS, 96_000, 48_000, 2, Map.of()),
                audio("aac", Codec.AAC, 0, 0, 0, Map.of("codec", "eq")),
                audio("aac_mono", Codec.AAC, 64_000, 22_050, 1, Map.of())));
        Fakes.Output out = new Fakes.Output();
        Ran ran = transcode(spec, out, INLINE);
        Media.Input in = ran.in();

        assertThat(ran.session().trackStatus())
                .extracting(OutputTrackStatus::trackId, OutputTrackStatus::module, OutputTrackStatus::error)
                .containsExactly(tuple(0, "bypass", null), tuple(1, "x264", null), tuple(2, "opus", null),
                        tuple(3, "bypass", null), tuple(4, "aac", null));
        assertThat(out.trackCalls).hasSize(1);
        List<Track> tracks = out.trackCalls.get(0);
        assertThat(tracks).extracting(Track::id).containsExactly(0, 1, 2, 3, 4);
        assertThat(tracks).extracting(Track::name).containsExactly("bypass_video", "v240", "opus", "aac", "aac_mono");
        assertThat(tracks.get(0).config()).isEqualTo(in.tracks().get(0).config());
        assertThat(tracks.get(1).config()[0]).as("avcC").isEqualTo((byte) 1);
        assertThat(tracks.get(2).timescale()).isEqualTo(48_000);
        assertThat(new String(tracks.get(2).config(), 0, 8)).isEqualTo("OpusHead");

        Path mp4 = dir.resolve("abr.mp4");
        Media.writeMp4(mp4, tracks, out.packets);
        Map<String, String> p = Media.probe(mp4);
        assertThat(p).containsEntry("streams.stream.0.codec_name", "h264")
                .containsEntry("streams.stream.0.width", "640")
                .containsEntry("streams.stream.1.codec_name", "h264")
                .containsEntry("streams.stream.1.width", "426")
                .containsEntry("streams.stream.1.height", "240")
                .containsEntry("streams.stream.2.codec_name", "opus")
                .containsEntry("streams.stream.2.sample_rate", "48000")
                .containsEntry("streams.stream.2.channels", "2")
                .containsEntry("streams.stream.3.codec_name", "aac")
                .containsEntry("streams.stream.3.sample_rate", "44100")
                .containsEntry("streams.stream.4.codec_name", "aac")
                .containsEntry("streams.stream.4.sample_rate", "22050")
                .containsEntry("streams.stream.4.channels", "1");
        assertThat(out.of(1)).as("every input frame encoded").hasSize(90);
        // The test's MP4 writer gives the last sample no duration; ffprobe may not count it.
        assertThat(Integer.parseInt(p.get("streams.stream.1.nb_read_frames"))).isBetween(89, 90);
        assertThat(Double.parseDouble(p.get("format.duration"))).isCloseTo(3.0, within(0.3));
        long opusEnd = out.of(2).stream().mapToLong(MediaPacket::pts).max().orElseThrow();
        assertThat(opusEnd / 48_000.0).as("opus covers the input").isCloseTo(3.0, within(0.15));
        assertAllReleased(in, out);
    }

    @Test
    void h265RenditionCarriesHvcCAndPlays() {
        OutputSpec spec = new OutputSpec("hevc", "cam_hevc", List.of(
                video("v_hevc", Codec.H265, 320, 0, 300_000, 30, ""),
                video("v_avc", Codec.H264, 320, 0, 300_000, 30, ""),
                audio("aac", Codec.AAC, 0, 0, 0, Map.of("codec", "eq"))));
        Fakes.Output out = new Fakes.Output();
        Ran ran = transcode(spec, out, INLINE);
        Media.Input in = ran.in();
        assertThat(ran.session().trackStatus()).extracting(OutputTrackStatus::module, OutputTrackStatus::error)
                .containsExactly(tuple("x265", null), tuple("x264", null), tuple("bypass", null));
        Track hevc = out.trackCalls.get(0).get(0);
        assertThat(hevc.codec()).isEqualTo(Codec.H265);
        assertThat(hevc.width()).isEqualTo(320);
        assertThat(hevc.height()).isEqualTo(180);
        byte[] hvcc = hevc.config();
        assertThat(hvcc[0]).as("hvcC version").isEqualTo((byte) 1);
        assertThat(hvcc[21] & 3).as("4-byte NAL lengths").isEqualTo(3);
        assertThat(hvcc[22]).as("VPS, SPS and PPS arrays").isEqualTo((byte) 3);
        assertThat(out.of(0)).as("every input frame encoded").hasSize(90)
                .allSatisfy(p -> assertThat(p.payload().toByteArray()).as("length-prefixed, not Annex B")
                        .satisfies(b -> assertThat(b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 1).isFalse()));
        List<Long> keysHevc = out.of(0).stream().filter(MediaPacket::keyframe).map(MediaPacket::pts).toList();
        List<Long> keysAvc = out.of(1).stream().filter(MediaPacket::keyframe).map(MediaPacket::pts).toList();
        assertThat(keysHevc).hasSize(3).isEqualTo(keysAvc);

        Path mp4 = dir.resolve("hevc.mp4");
        Media.writeMp4(mp4, out.trackCalls.get(0), out.packets);
        Map<String, String> p = Media.probe(mp4);
        assertThat(p).containsEntry("streams.stream.0.codec_name", "hevc")
                .containsEntry("streams.stream.0.width", "320")
                .containsEntry("streams.stream.0.height", "180")
                .containsEntry("streams.stream.1.codec_name", "h264")
                .containsEntry("streams.stream.2.codec_name", "aac");
        assertThat(Integer.parseInt(p.get("streams.stream.0.nb_read_frames"))).isBetween(89, 90);
        assertAllReleased(in, out);
    }

    @Test
    void opusTimestampsFollowAGapInTheInputAudio() {
        OutputSpec spec = new OutputSpec("opus", "cam_opus", List.of(audio("opus", Codec.OPUS, 64_000, 48_000, 2,
                Map.of())));
        Media.Input in = Media.read(flv);
        Fakes.Input input = new Fakes.Input();
        Fakes.Output out = new Fakes.Output();
        TranscodeSession session = new TranscodeSession(input, spec, out, INLINE, () -> { }).start();
        input.sink.onTracks(in.tracks());
        for (MediaPacket p : in.packets()) {
            if (p.trackId() == 1 && p.pts() >= 1000 && p.pts() < 2000) {
                p.payload().release(); // one second of audio lost on the way
            } else {
                input.sink.onPacket(p);
            }
        }
        input.sink.onEnd();
        session.close();
        List<Double> times = out.of(0).stream().map(p -> p.pts() / 48_000.0).toList();
        assertThat(times).as("nothing made up for the lost second").noneMatch(t -> t > 1.1 && t < 1.9);
        assertThat(times).as("the audio after the gap keeps its time").anyMatch(t -> t >= 2.0 && t < 2.1);
        assertThat(times.get(times.size() - 1)).as("ends with the input").isCloseTo(3.0, within(0.15));
        out.packets.forEach(p -> p.payload().release());
        assertThat(in.packets()).allSatisfy(p -> assertThat(p.payload().refCount()).isZero());
    }

    @Test
    void renditionsOfOneStreamHaveKeyFramesAtTheSameTimes() {
        OutputSpec spec = new OutputSpec("ladder", "cam_l", List.of(
                video("a", Codec.H264, 320, 0, 300_000, 15, ""),
                video("b", Codec.H264, 0, 90, 100_000, 15, "")));
        Fakes.Output out = new Fakes.Output();
        Media.Input in = run(spec, out, INLINE);
        List<Track> tracks = out.trackCalls.get(0);
        assertThat(tracks.get(0).width()).isEqualTo(320);
        assertThat(tracks.get(0).height()).as("aspect kept").isEqualTo(180);
        assertThat(tracks.get(1).width()).isEqualTo(160);
        List<Long> keysA = out.of(0).stream().filter(MediaPacket::keyframe).map(MediaPacket::pts).toList();
        List<Long> keysB = out.of(1).stream().filter(MediaPacket::keyframe).map(MediaPacket::pts).toList();
        assertThat(keysA).hasSize(6).isEqualTo(keysB);
        assertAllReleased(in, out);
    }

    @Test
    void nvencWithoutAGpuFallsBackToTheCpu() {
        OutputSpec spec = new OutputSpec("nv", "cam_nv", List.of(video("nv", Codec.H264, 320, 180, 300_000, 0, "nv")));
        Fakes.Output out = new Fakes.Output();
        Ran ran = transcode(spec, out, INLINE);
        Media.Input in = ran.in();
        assertThat(ran.session().trackStatus()).singleElement()
                .isEqualTo(OutputTrackStatus.ok(0, "nv", Codec.H264, "x264"));
        assertThat(out.trackCalls.get(0)).singleElement().satisfies(t -> {
            assertThat(t.codec()).isEqualTo(Codec.H264);
            assertThat(t.config()[0]).isEqualTo((byte) 1);
        });
        assertThat(out.of(0)).hasSize(90);
        assertAllReleased(in, out);
    }

    @Test
    void anEncoderThatCannotOpenLeavesTheOtherTracksGoing() {
        OutputSpec spec = new OutputSpec("bad", "cam_bad", List.of(
                video("vp9", Codec.VP9, 320, 180, 300_000, 0, ""),
                audio("opus", Codec.OPUS, 64_000, 48_000, 2, Map.of()),
                audio("bad_rate", Codec.AAC, 64_000, 1234, 2, Map.of())));
        Fakes.Output out = new Fakes.Output();
        Ran ran = transcode(spec, out, INLINE);
        Media.Input in = ran.in();
        assertThat(out.trackCalls.get(0)).extracting(Track::name).containsExactly("opus");
        assertThat(out.of(1)).hasSizeGreaterThan(100);
        List<OutputTrackStatus> status = ran.session().trackStatus();
        assertThat(status).extracting(OutputTrackStatus::trackId).containsExactly(0, 1, 2);
        assertThat(status.get(0).failed()).isTrue();
        assertThat(status.get(0).codec()).isEqualTo(Codec.VP9);
        assertThat(status.get(0).error()).contains("VP9");
        assertThat(status.get(1)).isEqualTo(OutputTrackStatus.ok(1, "opus", Codec.OPUS, "opus"));
        assertThat(status.get(2).failed()).isTrue();
        assertThat(status.get(2).error()).isNotBlank();
        assertAllReleased(in, out);
    }

    @Test
    void requiredNvencWithoutAGpuIsATrackErrorWhileTheOtherTracksPlay() {
        OutputSpec spec = new OutputSpec("nv", "cam_nvreq", List.of(bypassVideo(),
                video("h264_gpu", Codec.H264, 320, 180, 300_000, 0, "nv:required"),
                audio("opus", Codec.OPUS, 64_000, 48_000, 2, Map.of())));
        Fakes.Output out = new Fakes.Output();
        Ran ran = transcode(spec, out, INLINE);
        Media.Input in = ran.in();

        List<Track> tracks = out.trackCalls.get(0);
        assertThat(tracks).extracting(Track::id).as("the failed track keeps its id free").containsExactly(0, 2);
        List<OutputTrackStatus> status = ran.session().trackStatus();
        assertThat(status).extracting(OutputTrackStatus::trackId).containsExactly(0, 1, 2);
        assertThat(status.get(0)).isEqualTo(OutputTrackStatus.ok(0, "bypass_video", Codec.H264, "bypass"));
        assertThat(status.get(1)).satisfies(s -> {
            assertThat(s.name()).isEqualTo("h264_gpu");
            assertThat(s.codec()).isEqualTo(Codec.H264);
            assertThat(s.module()).isEqualTo("nvenc");
            assertThat(s.error()).startsWith("NVENC required but unavailable: ").hasSizeGreaterThan(40);
        });
        assertThat(status.get(2)).isEqualTo(OutputTrackStatus.ok(2, "opus", Codec.OPUS, "opus"));

        Path mp4 = dir.resolve("nvreq.mp4");
        Media.writeMp4(mp4, tracks, out.packets);
        Map<String, String> p = Media.probe(mp4);
        assertThat(p).containsEntry("streams.stream.0.codec_name", "h264")
                .containsEntry("streams.stream.0.width", "640")
                .containsEntry("streams.stream.1.codec_name", "opus")
                .doesNotContainKey("streams.stream.2.codec_name");
        assertThat(Double.parseDouble(p.get("format.duration"))).isCloseTo(3.0, within(0.3));
        assertAllReleased(in, out);
    }

    /**
     * The kernel replaces a transcoder when the input's tracks change, from the thread that
     * declares them and with the input's lock held; the new tracks reach the session first and
     * its worker waits on that lock for the input's statistics. close() must not wait for the
     * worker, or both wait (and ingest with them).
     */
    @Test
    void closeDoesNotWaitForAWorkerThatWaitsOnTheInput() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            OutputSpec spec = new OutputSpec("abr", "cam_abr", List.of(video("v", Codec.H264, 320, 180, 0, 0, "")));
            Media.Input in = Media.read(flv);
            Fakes.Input input = new Fakes.Input();
            Fakes.Output out = new Fakes.Output();
            TranscodeSession session = new TranscodeSession(input, spec, out, pool, () -> { }).start();
            long took;
            synchronized (input) {
                input.sink.onTracks(in.tracks());
                in.packets().subList(0, 10).forEach(input.sink::onPacket);
                Thread.sleep(200); // let the worker reach the lock (not a sync point: either order must pass)
                long t0 = System.nanoTime();
                session.close();
                took = (System.nanoTime() - t0) / 1_000_000;
            }
            assertThat(took).as("close() returned without the worker (ms)").isLessThan(1000);
            assertThat(session.awaitFreed(10_000)).as("freed by the worker once the lock is free").isTrue();
            assertThat(out.packets).as("nothing written after close").isEmpty();
            in.packets().subList(10, in.packets().size()).forEach(input.sink::onPacket);
            assertAllReleased(in, out);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingMidStreamOnThePoolFreesEveryPayload() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            OutputSpec spec = new OutputSpec("abr", "cam_abr", List.of(
                    video("v", Codec.H264, 320, 180, 300_000, 0, ""), audio("opus", Codec.OPUS, 0, 0, 0, Map.of())));
            Media.Input in = Media.read(flv);
            Fakes.Input input = new Fakes.Input();
            Fakes.Output out = new Fakes.Output();
            TranscodeSession session = new TranscodeSession(input, spec, out, pool, () -> { }).start();
            input.sink.onTracks(in.tracks());
            in.packets().subList(0, in.packets().size() / 2).forEach(input.sink::onPacket);
            session.close();
            in.packets().subList(in.packets().size() / 2, in.packets().size()).forEach(input.sink::onPacket);
            assertThat(session.awaitFreed(10_000)).as("freed by the worker").isTrue();
            assertAllReleased(in, out);
        } finally {
            pool.shutdownNow();
        }
    }
}
