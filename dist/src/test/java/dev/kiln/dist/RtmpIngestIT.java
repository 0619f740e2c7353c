package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RTMP ingest end to end: the distribution with its RTMP bundle, publishers being the bundled
 * ffmpeg, every check through the REST API.
 */
class RtmpIngestIT {
    private static final String BUNDLE = "dev.kiln.ingest.rtmp";
    /**
     * The distribution's RTMP bundle alone: these tests are about ingest, and the codec bundle's
     * default output profile would add an Opus encode per stream (20 of them on a small machine).
     */
    static final String RTMP_BUNDLE = "kiln-{rtmp-protocol,ingest-rtmp}-*.jar";
    private static final int INPUT_TIMEOUT_SECONDS = 4;
    private static final Duration LISTED_LIMIT = Duration.ofSeconds(2);
    private static final Duration START_LIMIT = Duration.ofSeconds(20);
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("rtmp")
            .distributionPlugins(RTMP_BUNDLE)
            .env("KILN_INPUT_TIMEOUT", Integer.toString(INPUT_TIMEOUT_SECONDS)));

    @Test
    void theBundleIsActive() {
        JsonNode plugins = ok(KILN.api().get("/v1/plugins"));
        assertThat(StreamSupport.stream(plugins.spliterator(), false)
                .filter(p -> BUNDLE.equals(p.path("symbolicName").asText()))
                .map(p -> p.path("state").asText()))
                .as("%s in GET /v1/plugins: %s", BUNDLE, plugins)
                .containsExactly("ACTIVE");
    }

    @Test
    void aPublishedStreamIsListedWithinTwoSecondsOfConnecting() {
        try (TcpRelay relay = new TcpRelay(KILN.process().rtmpPort());
             FfmpegPublisher ffmpeg = FfmpegPublisher.small(dir(), url(relay.port(), "listed"))) {
            awaitListed("listed", ffmpeg);
            Duration sinceConnect = Duration.ofNanos(System.nanoTime() - relay.firstConnectNanos());
            assertThat(relay.firstConnectNanos()).as("ffmpeg connected through the relay").isNotZero();
            assertThat(sinceConnect).as("from ffmpeg's TCP connect to the stream in the list")
                    .isLessThanOrEqualTo(LISTED_LIMIT);
        }
        awaitGone("listed", Duration.ofSeconds(INPUT_TIMEOUT_SECONDS + 2));
    }

    @Test
    void deletingTheStreamMakesFfmpegFail() {
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(dir(), url("deleted"))) {
            awaitListed("deleted", ffmpeg);
            ok(KILN.api().delete("/v1/vhosts/default/apps/app/streams/deleted"));
            int exit = ffmpeg.awaitExit(EXIT_LIMIT);
            assertThat(exit).as("ffmpeg's exit code after DELETE:\n%s", ffmpeg.output()).isNotZero();
            assertThat(streams()).doesNotContain("deleted");
        }
    }

    @Test
    void aSecondPublisherOnALiveNameIsRefusedWhileTheFirstGoesOn() {
        try (TcpRelay relay = new TcpRelay(KILN.process().rtmpPort());
             FfmpegPublisher first = FfmpegPublisher.small(dir(), url(relay.port(), "taken"))) {
            awaitListed("taken", first);
            String created = inputOf("taken").path("createdTime").asText();
            try (FfmpegPublisher second = FfmpegPublisher.small(dir(), url("taken"))) {
                int exit = second.awaitExit(EXIT_LIMIT);
                assertThat(exit).as("second publisher's exit code:\n%s", second.output()).isNotZero();
                assertThat(second.output()).as("second publisher's output").contains("Server error:");
            }
            long bytes = relay.bytesToServer();
            KILN.process().await("more bytes from the first publisher", Duration.ofSeconds(5),
                    relay::bytesToServer, b -> b > bytes + 10_000);
            assertThat(first.isAlive()).as("first publisher still running:\n%s", first.output()).isTrue();
            assertThat(inputOf("taken").path("createdTime").asText()).as("the same stream").isEqualTo(created);
        }
    }

    @Test
    void anUnknownApplicationIsRefused() {
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(dir(),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/nosuchapp/stream")) {
            int exit = ffmpeg.awaitExit(EXIT_LIMIT);
            assertThat(exit).as("ffmpeg's exit code:\n%s", ffmpeg.output()).isNotZero();
            assertThat(ffmpeg.output()).contains("Server error:");
        }
        assertThat(KILN.process().isAlive()).isTrue();
    }

    @Test
    void aKilledPublisherIsRemovedWithinTheInputTimeout() {
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(dir(), url("killed"))) {
            awaitListed("killed", ffmpeg);
            ffmpeg.kill();
            awaitGone("killed", Duration.ofSeconds(INPUT_TIMEOUT_SECONDS));
        }
    }

    @Test
    void aPublisherThatFallsSilentIsRemovedAfterTheInputTimeout() {
        try (TcpRelay relay = new TcpRelay(KILN.process().rtmpPort());
             FfmpegPublisher ffmpeg = FfmpegPublisher.small(dir(), url(relay.port(), "silent"))) {
            awaitListed("silent", ffmpeg);
            relay.freeze(); // the connection stays open, nothing more arrives
            long t0 = System.nanoTime();
            awaitGone("silent", Duration.ofSeconds(INPUT_TIMEOUT_SECONDS + 3));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).as("removed by the input timeout, not before").isGreaterThan(INPUT_TIMEOUT_SECONDS - 1.5);
        }
    }

    @Test
    void twentyConcurrentPublishersAreAllListedWithTheirTracks() {
        List<FfmpegPublisher> publishers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                names.add("many" + i);
                publishers.add(FfmpegPublisher.small(dir(), url("many" + i)));
            }
            KILN.process().await("20 streams listed", Duration.ofSeconds(60),
                    RtmpIngestIT::streams, s -> s.containsAll(names));
            for (String name : names) {
                JsonNode tracks = KILN.process().await("both tracks of " + name, Duration.ofSeconds(10),
                        () -> inputOf(name).path("tracks"), t -> t.size() == 2);
                JsonNode video = track(tracks, "Video").path("video");
                JsonNode audio = track(tracks, "Audio").path("audio");
                assertThat(video.path("codec").asText()).as("%s video", name).isEqualTo("H264");
                assertThat(video.path("width").asInt()).as("%s width", name).isEqualTo(320);
                assertThat(video.path("height").asInt()).as("%s height", name).isEqualTo(240);
                assertThat(audio.path("codec").asText()).as("%s audio", name).isEqualTo("AAC");
                assertThat(audio.path("samplerate").asInt()).as("%s samplerate", name).isEqualTo(48000);
                assertThat(audio.path("channel").asInt()).as("%s channels", name).isEqualTo(2);
            }
            for (FfmpegPublisher p : publishers) {
                assertThat(p.isAlive()).as("%s still publishing:\n%s", p, p.output()).isTrue();
            }
        } finally {
            publishers.forEach(FfmpegPublisher::close);
        }
        KILN.process().await("the 20 streams gone", Duration.ofSeconds(INPUT_TIMEOUT_SECONDS + 5),
                RtmpIngestIT::streams, s -> s.stream().noneMatch(names::contains));
    }

    @Test
    void streamInfoAndStatsMatchWhatFfmpegSends() {
        try (TcpRelay relay = new TcpRelay(KILN.process().rtmpPort());
             FfmpegPublisher ffmpeg = FfmpegPublisher.start(dir(), url(relay.port(), "hd"), "1280x720",
                     "veryfast", List.of("-b:v", "2500k", "-maxrate", "2500k", "-bufsize", "2500k"))) {
            awaitListed("hd", ffmpeg);
            // A few seconds of media: the bitrate and frame rate are measured over the last seconds.
            KILN.process().await("8 s of media sent by ffmpeg", Duration.ofSeconds(40),
                    () -> Long.parseLong(ffmpeg.progress().getOrDefault("out_time_us", "0").replace("N/A", "0")),
                    us -> us >= 8_000_000);

            JsonNode input = inputOf("hd");
            assertThat(input.path("sourceType").asText()).isEqualTo("Rtmp");
            JsonNode tracks = input.path("tracks");
            JsonNode video = track(tracks, "Video").path("video");
            JsonNode audio = track(tracks, "Audio").path("audio");
            assertThat(video.path("codec").asText()).isEqualTo("H264");
            assertThat(video.path("width").asInt()).isEqualTo(1280);
            assertThat(video.path("height").asInt()).isEqualTo(720);
            assertThat(video.path("framerate").asDouble()).as("framerate in %s", video).isCloseTo(30.0, within(0.5));
            assertThat(video.path("keyFrameInterval").asInt()).as("key frame interval in %s", video).isEqualTo(60);
            assertThat(audio.path("codec").asText()).isEqualTo("AAC");
            assertThat(audio.path("samplerate").asInt()).isEqualTo(48000);
            assertThat(audio.path("channel").asInt()).isEqualTo(2);

            double reported = ffmpeg.reportedBitrate();
            long measured = video.path("bitrate").asLong() + audio.path("bitrate").asLong();
            assertThat(reported).as("ffmpeg's reported bitrate").isPositive();
            assertThat((double) measured).as("video + audio bitrate in %s vs ffmpeg's %s bit/s", tracks, reported)
                    .isBetween(reported * 0.8, reported * 1.2);

            long before = relay.bytesToServer();
            JsonNode stats = ok(KILN.api().get("/v1/stats/current/vhosts/default/apps/app/streams/hd"));
            long after = relay.bytesToServer();
            long totalBytesIn = stats.path("totalBytesIn").asLong();
            assertThat(totalBytesIn).as("totalBytesIn vs %d..%d bytes ffmpeg sent (%s)", before, after, stats)
                    .isBetween((long) (before * 0.95), (long) (after * 1.05));
        }
    }

    // ---- helpers ----

    private static Path dir() {
        return KILN.process().workDir().resolve("publishers");
    }

    private static String url(String stream) {
        return url(KILN.process().rtmpPort(), stream);
    }

    private static String url(int port, String stream) {
        return "rtmp://127.0.0.1:" + port + "/app/" + stream;
    }

    static List<String> streams() {
        JsonNode names = ok(KILN.api().get("/v1/vhosts/default/apps/app/streams"));
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode inputOf(String stream) {
        return ok(KILN.api().get("/v1/vhosts/default/apps/app/streams/" + stream)).path("input");
    }

    private static JsonNode track(JsonNode tracks, String type) {
        return StreamSupport.stream(tracks.spliterator(), false)
                .filter(t -> type.equals(t.path("type").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " track in " + tracks));
    }

    private static void awaitListed(String stream, FfmpegPublisher ffmpeg) {
        try {
            KILN.process().await("stream '" + stream + "' listed", START_LIMIT,
                    RtmpIngestIT::streams, s -> s.contains(stream) || !ffmpeg.isAlive());
        } finally {
            assertThat(ffmpeg.isAlive()).as("%s publishing:\n%s", ffmpeg, ffmpeg.output()).isTrue();
        }
    }

    private static void awaitGone(String stream, Duration limit) {
        KILN.process().await("stream '" + stream + "' gone from GET …/apps/app/streams", limit,
                RtmpIngestIT::streams, s -> !s.contains(stream));
    }
}
