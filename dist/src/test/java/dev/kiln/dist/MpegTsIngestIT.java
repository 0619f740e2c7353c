package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MPEG-TS over UDP ingest end to end: the distribution with a port-to-stream map in its
 * server.yaml, the bundled ffmpeg sending {@code -f mpegts udp://…}, checks through the REST API
 * and ffprobe.
 */
class MpegTsIngestIT {
    private static final int INPUT_TIMEOUT_SECONDS = 3;
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int PORT = freeUdpPort();
    private static final int NOISE_PORT = freeUdpPort();
    private static final String NAME = "ts_" + PORT;

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("mpegts")
            .distributionPlugins("kiln-{rtmp-protocol,mpegts,ingest-mpegts,recorder}-*.jar")
            .env("KILN_INPUT_TIMEOUT", Integer.toString(INPUT_TIMEOUT_SECONDS))
            .serverYaml("""
                    mpegts:
                      app: app
                      streams:
                        - name: ts_${Port}
                          ports: %d,%d
                    vhosts:
                      - name: default
                        host: { names: ["*"] }
                        apps:
                          - name: app
                            type: live
                            outputProfiles:
                              outputProfile:
                                - name: bypass
                                  outputStreamName: "${OriginStreamName}"
                                  encodes:
                                    videos: [ { bypass: true } ]
                                    audios: [ { bypass: true } ]
                    """.formatted(PORT, NOISE_PORT)));

    @Test
    void aStreamSentOverUdpIsListedRecordedAndGoneAfterTheTimeout() throws Exception {
        Path dir = Files.createDirectories(KILN.process().workDir().resolve("senders"));
        Process ffmpeg = FfmpegTool.startFfmpeg(dir.resolve("ffmpeg.log"), List.of(
                "-loglevel", "warning", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "25",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac", "-ac", "2",
                "-f", "mpegts", "udp://127.0.0.1:" + PORT + "?pkt_size=1316"));
        try {
            KILN.process().await("stream " + NAME + " listed", LIMIT, MpegTsIngestIT::streams,
                    s -> s.contains(NAME) || !ffmpeg.isAlive());
            assertThat(ffmpeg.isAlive()).as("ffmpeg sending:\n%s", log(dir)).isTrue();
            JsonNode input = ok(KILN.api().get("/v1/vhosts/default/apps/app/streams/" + NAME)).path("input");
            assertThat(input.path("sourceType").asText()).isEqualTo("MpegTs");
            JsonNode tracks = input.path("tracks");
            JsonNode video = track(tracks, "Video").path("video");
            JsonNode audio = track(tracks, "Audio").path("audio");
            assertThat(video.path("codec").asText()).isEqualTo("H264");
            assertThat(video.path("width").asInt()).isEqualTo(320);
            assertThat(video.path("height").asInt()).isEqualTo(240);
            assertThat(audio.path("codec").asText()).isEqualTo("AAC");
            assertThat(audio.path("samplerate").asInt()).isEqualTo(48000);
            assertThat(audio.path("channel").asInt()).isEqualTo(2);

            // Noise from another socket to the live port and to the idle one: nothing changes.
            String created = input.path("createdTime").asText();
            sendNoise(PORT, 500);
            sendNoise(NOISE_PORT, 500);

            ok(KILN.api().post("/v1/vhosts/default/apps/app:startRecord",
                    "{\"id\":\"ts\",\"stream\":{\"name\":\"" + NAME + "\"},\"filePath\":\"ts/rec.ts\"}"));
            KILN.process().await("3 s recorded", LIMIT, () -> recordTime("ts"), t -> t >= 3000);
            JsonNode stopped = ok(KILN.api().post("/v1/vhosts/default/apps/app:stopRecord", "{\"id\":\"ts\"}"));
            Path file = Path.of(stopped.path("outputFilePath").asText());
            MediaProbe probe = MediaProbe.of(file);
            assertThat(probe.types()).containsExactlyInAnyOrder("video", "audio");
            assertThat(probe.duration()).as("recorded %s", file).isGreaterThan(2.0);

            JsonNode again = ok(KILN.api().get("/v1/vhosts/default/apps/app/streams/" + NAME)).path("input");
            assertThat(again.path("createdTime").asText()).as("the same stream after the noise").isEqualTo(created);
            assertThat(streams()).as("no stream from noise").containsExactly(NAME);
            JsonNode stats = ok(KILN.api().get("/v1/stats/current/vhosts/default/apps/app/streams/" + NAME));
            assertThat(stats.path("totalBytesIn").asLong()).as("bytes in: %s", stats).isGreaterThan(50_000);
        } finally {
            ffmpeg.destroyForcibly();
        }
        long stoppedAt = System.nanoTime();
        KILN.process().await("stream " + NAME + " gone", Duration.ofSeconds(INPUT_TIMEOUT_SECONDS + 5),
                MpegTsIngestIT::streams, s -> !s.contains(NAME));
        double seconds = (System.nanoTime() - stoppedAt) / 1e9;
        assertThat(seconds).as("removed by the input timeout, not before").isGreaterThan(INPUT_TIMEOUT_SECONDS - 1.5);
        assertThat(KILN.process().isAlive()).isTrue();
    }

    private static void sendNoise(int port, int count) {
        Random random = new Random(port);
        try (DatagramSocket socket = new DatagramSocket()) {
            InetAddress to = InetAddress.getLoopbackAddress();
            for (int i = 0; i < count; i++) {
                byte[] junk = new byte[1 + random.nextInt(1500)];
                random.nextBytes(junk);
                if (i % 2 == 0) {
                    for (int j = 0; j < junk.length; j += 188) {
                        junk[j] = 0x47; // TS-shaped noise
                    }
                }
                socket.send(new DatagramPacket(junk, junk.length, to, port));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long recordTime(String id) {
        JsonNode list = ok(KILN.api().post("/v1/vhosts/default/apps/app:records", "{\"id\":\"" + id + "\"}"));
        return list.size() == 0 ? 0 : list.get(0).path("recordTime").asLong();
    }

    static List<String> streams() {
        JsonNode names = ok(KILN.api().get("/v1/vhosts/default/apps/app/streams"));
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode track(JsonNode tracks, String type) {
        return StreamSupport.stream(tracks.spliterator(), false)
                .filter(t -> type.equals(t.path("type").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " track in " + tracks));
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("ffmpeg.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}
