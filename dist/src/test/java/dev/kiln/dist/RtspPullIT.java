package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RTSP pull end to end: GStreamer's RTSP server (python3-gi with GstRtspServer, started by the
 * test) serves a live test pattern (x264enc or x265enc, voaacenc AAC); pull streams are created
 * through the REST API; the stream info, a push of the pulled stream read back by ffprobe, the
 * failover to the second URL when the first server dies, a persistent pull outliving its server's
 * absence (longer than the input timeout), UDP transport, the unused timeout, DELETE, and a pull
 * outliving a restart of Kiln (until it is deleted) are checked. The server runs the RTSP pull and push bundles only, so the default output
 * is the bypassed video and AAC.
 */
class RtspPullIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    static final String BUNDLES = "kiln-{rtmp-protocol,ingest-rtsp,push}-*.jar";
    private static final String STREAMS = "/v1/vhosts/default/apps/app/streams";

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("rtsp-pull")
            .distributionPlugins(BUNDLES)
            .env("KILN_INPUT_TIMEOUT", "2"));

    @Test
    void badRequestsAreRefused() throws IOException {
        KilnApi api = KILN.api();
        assertThat(error(api.post(STREAMS, "{\"urls\":[\"rtsp://127.0.0.1/x\"]}"), 400)).contains("[name]");
        assertThat(error(api.post(STREAMS, "{\"name\":\"a\"}"), 400)).contains("[urls]");
        assertThat(error(api.post(STREAMS, "{\"name\":\"a\",\"urls\":[\"rtsp://127.0.0.1/x\",\"srt://127.0.0.1:9000\"]}"),
                400)).contains("same scheme");
        assertThat(error(api.post(STREAMS, "{\"name\":\"a\",\"urls\":[\"not a url\"]}"), 400)).contains("[urls[0]]");
        assertThat(error(api.post(STREAMS, "{\"name\":\"a\",\"urls\":[\"rtsp://127.0.0.1/x?rtsp_transport=sctp\"]}"),
                400)).contains("rtsp_transport");
        assertThat(error(api.post("/v1/vhosts/default/apps/nope/streams", "{\"name\":\"a\",\"urls\":[\"rtsp://h/x\"]}"),
                404)).contains("default/nope");
        assertThat(error(api.post(STREAMS, "{\"name\":\"a\",\"urls\":[\"ovt://127.0.0.1:9000/app/x\"]}"), 501))
                .contains("ovt");
        int closed = freeTcpPort();
        assertThat(error(api.post(STREAMS, "{\"name\":\"a\",\"urls\":[\"rtsp://127.0.0.1:" + closed + "/x\"]}"),
                502)).contains("rtsp://127.0.0.1:" + closed + "/x");
        assertThat(api.get(STREAMS + "/a").status()).isEqualTo(404);
    }

    @Test
    void aServerThatNeverAnswersGets502InBoundedTime() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) { // connections are accepted by the OS, never answered
            long start = System.nanoTime();
            String message = error(KILN.api().post(STREAMS, "{\"name\":\"mute\",\"urls\":[\"rtsp://127.0.0.1:"
                    + silent.getLocalPort() + "/x\"]}"), 502);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(message).contains("no answer in time");
            assertThat(millis).as("answer time").isBetween(4_000L, 9_000L);
            assertThat(KILN.api().get(STREAMS + "/mute").status()).isEqualTo(404);
        }
    }

    @Test
    void pullsH264AndAacFailsOverToTheSecondUrlAndStopsOnDelete() {
        KilnApi api = KILN.api();
        try (RtspServer first = RtspServer.start(workDir(), "first", "h264");
             RtspServer second = RtspServer.start(workDir(), "second", "h264")) {
            String body = "{\"name\":\"cam\",\"urls\":[\"" + first.url() + "\",\"" + second.url() + "\"],"
                    + "\"properties\":{\"persistent\":false,\"noInputFailoverTimeoutMs\":2000,"
                    + "\"unusedStreamDeletionTimeoutMs\":0,\"ignoreRtcpSRTimestamp\":true}}";
            created(api.post(STREAMS, body));
            assertThat(error(api.post(STREAMS, body), 409)).contains("default/app/cam");

            JsonNode input = ok(api.get(STREAMS + "/cam")).path("input");
            assertThat(input.path("sourceType").asText()).isEqualTo("RtspPull");
            assertVideoAndAudio(input, "H264");

            // What the pull delivers is real media: push it as MPEG-TS over UDP and read it back.
            Path dir = workDir().resolve("receivers");
            int port = FfmpegReceiver.freeUdpPort();
            try (FfmpegReceiver receiver = FfmpegReceiver.udp(dir, port, "cam")) {
                ok(api.post("/v1/vhosts/default/apps/app:startPush", "{\"id\":\"ts\",\"stream\":{\"name\":\"cam\"},"
                        + "\"protocol\":\"mpegts\",\"url\":\"udp://127.0.0.1:" + port + "\"}"));
                KILN.process().await("2 s pushed", LIMIT, () -> pushes("ts"),
                        t -> t.path("state").asText().equals("started") && t.path("sentTime").asLong() >= 2000);
                ok(api.post("/v1/vhosts/default/apps/app:stopPush", "{\"id\":\"ts\"}"));
                receiver.awaitExit(Duration.ofSeconds(15));
                assertThat(FfmpegReceiver.codecs(receiver.file())).containsExactly("h264", "aac");
                assertThat(MediaProbe.of(receiver.file()).duration()).isGreaterThan(1.0);
            }

            long before = bytesIn("cam");
            first.close(); // the first server dies: the pull reconnects, the first URL refuses, the second answers
            KILN.process().await("the pull on the second URL", LIMIT, KILN.process()::log,
                    log -> log.contains("RTSP pull default/app/cam: pulling " + second.url() + " again"));
            KILN.process().await("bytes from the second URL", LIMIT, () -> bytesIn("cam"),
                    bytes -> bytes > before + 20_000);
            assertVideoAndAudio(ok(api.get(STREAMS + "/cam")).path("input"), "H264");

            ok(api.delete(STREAMS + "/cam"));
            KILN.process().await("the pull ended", LIMIT, KILN.process()::log,
                    log -> log.contains("RTSP pull default/app/cam ended: deleted"));
            assertThat(api.get(STREAMS + "/cam").status()).isEqualTo(404);
            assertThat(ok(api.get(STREAMS))).isEmpty();
        }
    }

    @Test
    void pullsH265OverUdpUntilNobodyUsesIt() {
        KilnApi api = KILN.api();
        try (RtspServer server = RtspServer.start(workDir(), "hevc", "h265")) {
            created(api.post(STREAMS, "{\"name\":\"hevc\",\"urls\":[\"" + server.url() + "?rtsp_transport=udp\"],"
                    + "\"properties\":{\"unusedStreamDeletionTimeoutMs\":3000}}"));
            JsonNode input = ok(api.get(STREAMS + "/hevc")).path("input");
            assertThat(input.path("sourceType").asText()).isEqualTo("RtspPull");
            assertVideoAndAudio(input, "H265");
            assertThat(KILN.process().log()).contains("pulling " + server.url() + " over udp");
            KILN.process().await("the unused pull stopped", LIMIT, () -> api.get(STREAMS + "/hevc").status(),
                    status -> status == 404);
            assertThat(KILN.process().log()).contains("RTSP pull default/app/hevc ended: nobody used it for 3000 ms");
        }
    }

    @Test
    void aPersistentPullKeepsItsStreamUntilTheServerComesBack() throws IOException {
        KilnApi api = KILN.api();
        int port = freeTcpPort();
        RtspServer server = RtspServer.start(workDir(), "persistent", "h264", port);
        String url = server.url();
        try {
            created(api.post(STREAMS, "{\"name\":\"keep\",\"urls\":[\"" + url + "\"],"
                    + "\"properties\":{\"persistent\":true,\"noInputFailoverTimeoutMs\":1000}}"));
            server.close();
            String failed = "RTSP pull default/app/keep: " + url + " failed";
            // Three failed attempts (1 s and 2 s apart) take longer than the 2 s input timeout.
            KILN.process().await("three failed attempts", LIMIT, KILN.process()::log,
                    log -> log.split(Pattern.quote(failed), -1).length > 3);
            assertVideoAndAudio(ok(api.get(STREAMS + "/keep")).path("input"), "H264");

            server = RtspServer.start(workDir(), "persistent-again", "h264", port);
            KILN.process().await("the pull back on its URL", LIMIT, KILN.process()::log,
                    log -> log.contains("RTSP pull default/app/keep: pulling " + url + " again"));
            long before = bytesIn("keep");
            KILN.process().await("bytes after the server came back", LIMIT, () -> bytesIn("keep"),
                    bytes -> bytes > before + 20_000);
            ok(api.delete(STREAMS + "/keep"));
            KILN.process().await("the pull ended", LIMIT, KILN.process()::log,
                    log -> log.contains("RTSP pull default/app/keep ended: deleted"));
        } finally {
            server.close();
        }
    }

    @Test
    void aPullSurvivesARestartUntilItIsDeleted() {
        Path data;
        try (RtspServer server = RtspServer.start(workDir(), "restart", "h264")) {
            String body = "{\"name\":\"kept\",\"urls\":[\"" + server.url() + "\"],"
                    + "\"properties\":{\"unusedStreamDeletionTimeoutMs\":0}}";
            try (KilnProcess first = restartable("rtsp-pull-restart", null)) {
                data = first.dataDir();
                created(first.api().post(STREAMS, body));
                assertVideoAndAudio(ok(first.api().get(STREAMS + "/kept")).path("input"), "H264");
            } // SIGTERM: the plugin stopping keeps the saved pull
            try (KilnProcess again = restartable("rtsp-pull-restart-2", data)) {
                KilnApi.Reply restored = again.await("the restored pull's stream", LIMIT,
                        () -> again.api().get(STREAMS + "/kept"),
                        r -> r.status() == 200 && ok(r).path("input").path("tracks").size() == 2);
                JsonNode input = ok(restored).path("input");
                assertThat(input.path("sourceType").asText()).isEqualTo("RtspPull");
                assertVideoAndAudio(input, "H264");
                assertThat(again.log()).contains("Restoring 1 RTSP pull(s)");
                ok(again.api().delete(STREAMS + "/kept"));
                // Killed at once: the DELETE's answer means the saved pull is gone already.
                kill(again);
            }
            try (KilnProcess third = restartable("rtsp-pull-restart-3", data)) {
                // A request the plugin itself refuses (400, not 501) shows its component is active,
                // and the component restores at activation, before it serves requests.
                third.await("the RTSP pull plugin", LIMIT, () -> third.api().post(STREAMS,
                        "{\"name\":\"probe\",\"urls\":[\"rtsp://127.0.0.1/x?rtsp_transport=sctp\"]}").status(),
                        status -> status == 400);
                assertThat(third.log()).doesNotContain("Restoring");
                assertThat(third.api().get(STREAMS + "/kept").status()).isEqualTo(404);
                kill(third); // nothing left to check in its stopping
            }
        }
    }

    // ---- helpers ----

    /** SIGKILL, waiting for the process to be gone (the following close() then has nothing to do). */
    private static void kill(KilnProcess kiln) {
        ProcessHandle h = ProcessHandle.of(kiln.pid()).orElseThrow();
        h.destroyForcibly();
        h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static KilnProcess restartable(String name, Path data) {
        KilnProcess.Builder b = KilnProcess.builder().name(name).distributionPlugins(BUNDLES);
        return (data == null ? b : b.dataDir(data)).start();
    }

    private static Path workDir() {
        return KILN.process().workDir();
    }

    private static void created(KilnApi.Reply reply) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(201);
        assertThat(reply.json().path("statusCode").asInt()).isEqualTo(201);
        assertThat(reply.json().path("message").asText()).isEqualTo("Created");
    }

    private static void assertVideoAndAudio(JsonNode input, String videoCodec) {
        JsonNode tracks = input.path("tracks");
        assertThat(tracks).as("tracks of %s", input).hasSize(2);
        JsonNode video = tracks.get(0).path("video");
        assertThat(video.path("codec").asText()).isEqualTo(videoCodec);
        assertThat(video.path("width").asInt()).isEqualTo(320);
        assertThat(video.path("height").asInt()).isEqualTo(240);
        JsonNode audio = tracks.get(1).path("audio");
        assertThat(audio.path("codec").asText()).isEqualTo("AAC");
        assertThat(audio.path("samplerate").asInt()).isEqualTo(48000);
        assertThat(audio.path("channel").asInt()).isEqualTo(2);
    }

    private static JsonNode pushes(String id) {
        JsonNode list = ok(KILN.api().post("/v1/vhosts/default/apps/app:pushes", "{\"id\":\"" + id + "\"}"));
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static long bytesIn(String stream) {
        return ok(KILN.api().get("/v1/stats/current/vhosts/default/apps/app/streams/" + stream))
                .path("totalBytesIn").asLong();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * GStreamer's RTSP server on 127.0.0.1 serving a live 320x240 test pattern at 25 fps (key frame
     * every 30 frames) with 48 kHz stereo AAC at {@code /live}, through python3-gi.
     */
    static final class RtspServer implements AutoCloseable {
        private static final String SCRIPT = """
                import sys, gi
                gi.require_version('Gst', '1.0')
                gi.require_version('GstRtspServer', '1.0')
                from gi.repository import Gst, GstRtspServer, GLib
                Gst.init(None)
                port, video = sys.argv[1], sys.argv[2]
                enc = {
                  'h264': 'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=500'
                          ' ! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1',
                  'h265': 'x265enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=500'
                          ' ! rtph265pay name=pay0 pt=96 config-interval=1',
                }[video]
                launch = ('( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1 ! '
                          + enc + ' audiotestsrc is-live=true ! audio/x-raw,rate=48000,channels=2'
                          ' ! voaacenc bitrate=64000 ! rtpmp4gpay name=pay1 pt=97 )')
                server = GstRtspServer.RTSPServer()
                server.set_address('127.0.0.1')
                server.set_service(port)
                factory = GstRtspServer.RTSPMediaFactory()
                factory.set_launch(launch)
                factory.set_shared(True)
                server.get_mount_points().add_factory('/live', factory)
                if server.attach(None) == 0:
                    sys.exit('cannot listen on port ' + port)
                print('READY', flush=True)
                GLib.MainLoop().run()
                """;

        private final Process process;
        private final int port;

        private RtspServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        String url() {
            return "rtsp://127.0.0.1:" + port + "/live";
        }

        static RtspServer start(Path dir, String name, String video) {
            try {
                return start(dir, name, video, freeTcpPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static RtspServer start(Path dir, String name, String video, int port) {
            try {
                Files.createDirectories(dir);
                Path script = dir.resolve("rtsp-server.py");
                Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
                // Debian's python3 has python3-gi; a python3 earlier on the PATH may not.
                String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
                Process p = new ProcessBuilder(python, script.toString(), String.valueOf(port), video)
                        .redirectErrorStream(true).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                    StringBuilder seen = new StringBuilder();
                    try {
                        for (String line; (line = out.readLine()) != null; ) {
                            if (line.equals("READY")) {
                                return "";
                            }
                            seen.append(line).append('\n');
                        }
                    } catch (IOException e) {
                        seen.append(e);
                    }
                    return seen.toString();
                });
                String problem;
                try {
                    problem = ready.get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    problem = "no READY within 15 s (" + e + ")";
                }
                if (!problem.isEmpty()) {
                    p.destroyForcibly();
                    throw new AssertionError("GStreamer's RTSP server " + name + " did not start (needs python3-gi,"
                            + " gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-{good,bad,ugly}):\n" + problem);
                }
                // Keep draining its output so it never blocks on a full pipe.
                CompletableFuture.runAsync(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                return new RtspServer(p, port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
