package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The push bundle end to end: ffmpeg publishes H.264 + AAC (key frame every second) over RTMP,
 * pushes are made through the REST API, and real receivers (the bundled ffmpeg as an SRT
 * listener or reading UDP) write what arrives into files that ffprobe checks. The server runs
 * the RTMP and push bundles only, so the default output is the bypassed video and AAC.
 */
class PushIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final double GOP = 1.0;
    static final String BUNDLES = "kiln-{rtmp-protocol,ingest-rtmp,push}-*.jar";

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("push")
            .distributionPlugins(BUNDLES)
            .env("KILN_INPUT_TIMEOUT", "3"));

    @Test
    void badRequestsAreRefusedNamingTheField() {
        KilnApi api = KILN.api();
        int apiPort = KILN.process().apiPort();
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"protocol\":\"hls\","
                + "\"url\":\"udp://127.0.0.1:5000\"}"), 400)).contains("[protocol]");
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"url\":\"udp://127.0.0.1:5000\"}"),
                400)).contains("[protocol]");
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"protocol\":\"srt\","
                + "\"url\":\"rtmp://127.0.0.1:1935/app\"}"), 400)).contains("[url]");
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"protocol\":\"mpegts\","
                + "\"url\":\"srt://127.0.0.1:5000\"}"), 400)).contains("[url]");
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"protocol\":\"rtmp\","
                + "\"url\":\"rtmp://127.0.0.1:1935/app\"}"), 400)).contains("[streamKey]");
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"protocol\":\"rtmp\","
                + "\"url\":\"rtmp://127.0.0.1:" + apiPort + "/app\",\"streamKey\":\"k\"}"), 400))
                .contains("[url]", "API port");
        assertThat(error(start(api, "{\"id\":\"a\",\"stream\":{\"name\":\"x\"},\"protocol\":\"srt\","
                + "\"url\":\"srt://localhost:" + apiPort + "\"}"), 400)).contains("[url]", "API port");
        assertThat(error(start(api, "{\"stream\":{\"name\":\"x\"},\"protocol\":\"mpegts\","
                + "\"url\":\"udp://127.0.0.1:5000\"}"), 400)).contains("[id]");
        assertThat(error(start(api, "{\"id\":\"a\",\"protocol\":\"mpegts\",\"url\":\"udp://127.0.0.1:5000\"}"), 400))
                .contains("[stream.name]");
        String reserve = "{\"id\":\"dup\",\"stream\":{\"name\":\"nothing\"},\"protocol\":\"mpegts\","
                + "\"url\":\"udp://127.0.0.1:5000\"}";
        JsonNode reserved = ok(start(api, reserve));
        assertThat(reserved.isObject()).as("startPush answers one object").isTrue();
        assertThat(reserved.path("state").asText()).isEqualTo("ready");
        assertThat(reserved.path("sequence").asInt()).isZero();
        assertThat(reserved.path("totalsentBytes").isNumber()).isTrue();
        assertThat(error(start(api, reserve), 409)).contains("dup");
        assertThat(error(api.post("/v1/vhosts/default/apps/nope:startPush", reserve), 404)).contains("default/nope");
        assertThat(error(api.post("/v1/vhosts/default/apps/app:stopPush", "{\"id\":\"never\"}"), 404))
                .contains("never");
        JsonNode stopped = ok(api.post("/v1/vhosts/default/apps/app:stopPush", "{\"id\":\"dup\"}"));
        assertThat(stopped.path("state").asText()).isEqualTo("stopped");
        ok(start(api, reserve)); // a stopped task's id may be used again
        ok(api.post("/v1/vhosts/default/apps/app:stopPush", "{\"id\":\"dup\"}"));
    }

    @Test
    void srtPushStartsWhenTheStreamAppearsAndComesBackWithTheReceiver() throws Exception {
        int port = FfmpegReceiver.freeUdpPort();
        Path dir = KILN.process().workDir().resolve("receivers");
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             FfmpegReceiver first = FfmpegReceiver.srtListener(dir, port, "srt-0")) {
            awaitBound(port);
            JsonNode reserved = ok(start(KILN.api(), "{\"id\":\"srt\",\"stream\":{\"name\":\"srt\"},\"protocol\":\"srt\","
                    + "\"url\":\"srt://127.0.0.1:" + port + "?mode=caller&latency=200000&streamid=kiln-push\"}"));
            assertThat(reserved.path("state").asText()).isEqualTo("ready");
            // A target that never answers (nothing reads that socket) holds up neither the API nor the push above.
            ok(start(KILN.api(), "{\"id\":\"silent\",\"stream\":{\"name\":\"srt\"},\"protocol\":\"srt\","
                    + "\"url\":\"srt://127.0.0.1:" + silent.getLocalPort() + "\"}"));
            try (FfmpegPublisher ffmpeg = publish("srt")) {
                awaitState("srt", "started");
                long t0 = System.nanoTime();
                assertThat(task("silent").path("state").asText()).isIn("ready", "error");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("a list call while a target hangs")
                        .isLessThan(Duration.ofSeconds(1));
                KILN.process().await("4 s sent", LIMIT, () -> task("srt").path("sentTime").asLong(), t -> t >= 4000);
                int sequence = task("srt").path("sequence").asInt();

                first.kill();
                JsonNode failed = KILN.process().await("error after the receiver left", LIMIT, () -> task("srt"),
                        t -> t.path("state").asText().equals("error"));
                assertThat(failed.path("message").asText()).isNotBlank();
                long back = System.nanoTime();
                try (FfmpegReceiver second = FfmpegReceiver.srtListener(dir, port, "srt-1")) {
                    JsonNode again = KILN.process().await("started again", LIMIT, () -> task("srt"),
                            t -> t.path("state").asText().equals("started"));
                    assertThat(Duration.ofNanos(System.nanoTime() - back)).as("back in started after the receiver")
                            .isLessThanOrEqualTo(Duration.ofSeconds(3));
                    assertThat(again.path("sequence").asInt()).isGreaterThan(sequence);
                    KILN.process().await("3 s sent again", LIMIT, () -> task("srt").path("sentTime").asLong(),
                            t -> t >= 3000);
                    JsonNode stopped = stop("srt");
                    assertThat(stopped.path("totalsentTime").asLong()).isGreaterThan(stopped.path("sentTime").asLong());
                    second.awaitExit(Duration.ofSeconds(15));
                    checkFile(second.file(), List.of("h264", "aac"), stopped.path("sentTime").asLong());
                }
                JsonNode hanging = task("silent");
                assertThat(hanging.path("state").asText()).isIn("ready", "error");
                stop("silent");
                assertThat(ffmpeg.isAlive()).isTrue();
            }
            // The first receiver was killed: its file holds what it wrote before (no duration check).
            assertThat(FfmpegReceiver.codecs(first.file())).containsExactly("h264", "aac");
        }
    }

    @Test
    void mpegtsPushSendsAllTracksOrTheNamedVariants() {
        int[] ports = new int[2];
        Path dir = KILN.process().workDir().resolve("receivers");
        try (FfmpegReceiver allReceiver = FfmpegReceiver.udpOnFreePort(dir, "ts-all", p -> ports[0] = p);
             FfmpegReceiver videoReceiver = FfmpegReceiver.udpOnFreePort(dir, "ts-video", p -> ports[1] = p)) {
            int all = ports[0];
            int video = ports[1];
            ok(start(KILN.api(), "{\"id\":\"ts-all\",\"stream\":{\"name\":\"ts\"},\"protocol\":\"mpegts\","
                    + "\"url\":\"udp://127.0.0.1:" + all + "\",\"streamKey\":\"\"}"));
            ok(start(KILN.api(), "{\"id\":\"ts-video\",\"stream\":{\"name\":\"ts\",\"variantNames\":[\"bypass_video\"]},"
                    + "\"protocol\":\"mpegts\",\"url\":\"udp://127.0.0.1:" + video + "\"}"));
            JsonNode stoppedAll;
            JsonNode stoppedVideo;
            try (FfmpegPublisher ffmpeg = publish("ts")) {
                KILN.process().await("5 s sent", LIMIT, () -> List.of(task("ts-all"), task("ts-video")),
                        l -> l.stream().allMatch(t -> t.path("state").asText().equals("started")
                                && t.path("sentTime").asLong() >= 5000));
                assertThat(task("ts-video").path("stream").path("trackIds")).hasSize(1);
                stoppedAll = stop("ts-all");
                stoppedVideo = stop("ts-video");
            }
            assertThat(stoppedAll.path("sequence").asInt()).isEqualTo(1);
            assertThat(stoppedAll.path("sentBytes").asLong()).isPositive();
            allReceiver.awaitExit(Duration.ofSeconds(15));
            videoReceiver.awaitExit(Duration.ofSeconds(15));
            checkFile(allReceiver.file(), List.of("h264", "aac"), stoppedAll.path("sentTime").asLong());
            checkFile(videoReceiver.file(), List.of("h264"), stoppedVideo.path("sentTime").asLong());
        }
    }

    @Test
    void rtmpPushToKilnsOwnIngestOnAnotherAppComesBackAfterADrop() {
        KilnApi api = KILN.api();
        assertThat(api.post("/v1/vhosts/default/apps", "[{\"name\":\"relay\",\"type\":\"live\"}]").status())
                .isEqualTo(200);
        ok(start(api, "{\"id\":\"rtmp\",\"stream\":{\"name\":\"rtmp\"},\"protocol\":\"rtmp\","
                + "\"url\":\"rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/relay\",\"streamKey\":\"copy\"}"));
        try (FfmpegPublisher ffmpeg = publish("rtmp")) {
            awaitState("rtmp", "started");
            KilnApi.Reply info = KILN.process().await("relay/copy with video and audio", LIMIT,
                    () -> api.get("/v1/vhosts/default/apps/relay/streams/copy"),
                    r -> r.status() == 200 && ok(r).path("input").path("tracks").size() == 2);
            List<String> codecs = new java.util.ArrayList<>();
            ok(info).path("input").path("tracks").forEach(t -> codecs.add(
                    t.path(t.path("type").asText().toLowerCase(java.util.Locale.ROOT)).path("codec").asText()));
            assertThat(codecs).containsExactly("H264", "AAC");
            int sequence = task("rtmp").path("sequence").asInt();

            ok(api.delete("/v1/vhosts/default/apps/relay/streams/copy")); // the receiving side drops the push
            KILN.process().await("error after the drop", LIMIT, () -> task("rtmp"),
                    t -> t.path("state").asText().equals("error") || t.path("sequence").asInt() > sequence);
            long back = System.nanoTime();
            JsonNode again = KILN.process().await("started again", LIMIT, () -> task("rtmp"),
                    t -> t.path("state").asText().equals("started") && t.path("sequence").asInt() > sequence);
            assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(again.path("totalsentBytes").asLong()).isGreaterThan(again.path("sentBytes").asLong());
            KILN.process().await("relay/copy back", LIMIT, () -> api.get("/v1/vhosts/default/apps/relay/streams/copy"),
                    r -> r.status() == 200);
            assertThat(stop("rtmp").path("state").asText()).isEqualTo("stopped");
        }
    }

    @Test
    void pushesSurviveARestartAndStartWhenTheStreamComesBack() {
        int port = FfmpegReceiver.freeUdpPort();
        Path data;
        String created;
        String body = "{\"id\":\"kept\",\"stream\":{\"name\":\"later\"},\"protocol\":\"mpegts\","
                + "\"url\":\"udp://127.0.0.1:" + port + "\"}";
        try (KilnProcess first = KilnProcess.builder().name("push-restart").distributionPlugins(BUNDLES).start()) {
            data = first.dataDir();
            JsonNode reserved = ok(first.api().post("/v1/vhosts/default/apps/app:startPush", body));
            assertThat(reserved.path("state").asText()).isEqualTo("ready");
            created = reserved.path("createdTime").asText();
        }
        try (KilnProcess again = KilnProcess.builder().name("push-restart-2").distributionPlugins(BUNDLES)
                .dataDir(data).start();
             // Waits as long as the test does: the push only starts once a publisher is up.
             FfmpegReceiver receiver = FfmpegReceiver.udp(again.workDir().resolve("receivers"), port, "kept",
                     LIMIT)) {
            JsonNode listed = ok(again.api().post("/v1/vhosts/default/apps/app:pushes", "{}"));
            assertThat(listed).hasSize(1);
            JsonNode kept = listed.get(0);
            assertThat(kept.path("id").asText()).isEqualTo("kept");
            assertThat(kept.path("state").asText()).isEqualTo("ready");
            assertThat(kept.path("url").asText()).isEqualTo("udp://127.0.0.1:" + port);
            assertThat(kept.path("createdTime").asText()).isEqualTo(created);
            try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(again.workDir().resolve("publishers"),
                    "rtmp://127.0.0.1:" + again.rtmpPort() + "/app/later", "320x240", "ultrafast",
                    List.of("-g", "30", "-keyint_min", "30"))) {
                again.await("the restored push started and sending", LIMIT,
                        () -> ok(again.api().post("/v1/vhosts/default/apps/app:pushes", "{\"id\":\"kept\"}")).get(0),
                        t -> t.path("state").asText().equals("started") && t.path("sentBytes").asLong() > 0);
            }
        }
    }

    @Test
    void rtmpsPushGoesThroughTlsWithTheServersCertificateChecked() throws Exception {
        try (TlsTerminator tls = TlsTerminator.start(KILN.process().workDir().resolve("tls"))) {
            KilnProcess.Builder builder = KilnProcess.builder().name("push-rtmps").distributionPlugins(BUNDLES);
            tls.trustOptions().forEach(builder::javaOption);
            try (KilnProcess kiln = builder.start()) {
                tls.forwardTo(kiln.rtmpPort()); // TLS on tls.port(), plain RTMP into Kiln's own ingest
                KilnApi api = kiln.api();
                assertThat(api.post("/v1/vhosts/default/apps", "[{\"name\":\"secure\",\"type\":\"live\"}]").status())
                        .isEqualTo(200);
                ok(api.post("/v1/vhosts/default/apps/app:startPush", "{\"id\":\"tls\",\"stream\":{\"name\":\"cam\"},"
                        + "\"protocol\":\"rtmp\",\"url\":\"rtmps://localhost:" + tls.port() + "/secure\",\"streamKey\":\"k\"}"));
                // The certificate names localhost and 127.0.0.1, not 127.0.0.2: host name verification refuses it.
                ok(api.post("/v1/vhosts/default/apps/app:startPush", "{\"id\":\"wrong-name\",\"stream\":{\"name\":\"cam\"},"
                        + "\"protocol\":\"rtmp\",\"url\":\"rtmps://127.0.0.2:" + tls.port() + "/secure\",\"streamKey\":\"x\"}"));
                try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(kiln.workDir().resolve("publishers"),
                        "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/cam", "320x240", "ultrafast",
                        List.of("-g", "30", "-keyint_min", "30"))) {
                    KilnApi.Reply info = kiln.await("secure/k arriving over RTMPS", LIMIT,
                            () -> api.get("/v1/vhosts/default/apps/secure/streams/k"),
                            r -> r.status() == 200 && ok(r).path("input").path("tracks").size() == 2);
                    assertThat(ok(info).path("input").path("sourceType").asText()).isEqualTo("Rtmp");
                    JsonNode refused = kiln.await("the push to a name the certificate lacks fails", LIMIT,
                            () -> ok(api.post("/v1/vhosts/default/apps/app:pushes", "{\"id\":\"wrong-name\"}")).get(0),
                            t -> t.path("state").asText().equals("error") && !t.path("message").asText().isBlank());
                    assertThat(refused.path("message").asText()).containsIgnoringCase("TLS");
                    assertThat(refused.path("sentBytes").asLong()).isZero();
                    assertThat(api.get("/v1/vhosts/default/apps/secure/streams/x").status()).isEqualTo(404);
                }
            }
        }
    }

    // ---- helpers ----

    private static KilnApi.Reply start(KilnApi api, String body) {
        return api.post("/v1/vhosts/default/apps/app:startPush", body);
    }

    private static JsonNode stop(String id) {
        return ok(KILN.api().post("/v1/vhosts/default/apps/app:stopPush", "{\"id\":\"" + id + "\"}"));
    }

    private static JsonNode task(String id) {
        JsonNode list = ok(KILN.api().post("/v1/vhosts/default/apps/app:pushes", "{\"id\":\"" + id + "\"}"));
        assertThat(list).as("pushes with id %s", id).hasSize(1);
        return list.get(0);
    }

    private static void awaitState(String id, String state) {
        KILN.process().await("push " + id + " " + state, LIMIT, () -> task(id), t -> t.path("state").asText().equals(state));
    }

    /** Waits until a receiver has bound its UDP port (binding it ourselves fails). */
    private static void awaitBound(int port) {
        KILN.process().await("a receiver on UDP port " + port, LIMIT, () -> {
            try (DatagramSocket probe = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }, bound -> bound);
    }

    private static FfmpegPublisher publish(String stream) {
        return FfmpegPublisher.start(KILN.process().workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/app/" + stream, "320x240", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30"));
    }

    private static void checkFile(Path file, List<String> codecs, long sentMillis) {
        assertThat(file).exists();
        assertThat(FfmpegReceiver.codecs(file)).as("codecs of %s", file).containsExactlyElementsOf(codecs);
        MediaProbe p = MediaProbe.of(file);
        assertThat(p.duration() * 1000).as("duration of %s vs sentTime %s", file, sentMillis)
                .isCloseTo(sentMillis, within(GOP * 1000));
    }
}
