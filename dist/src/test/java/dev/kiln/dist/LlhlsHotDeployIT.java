package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The LL-HLS publisher bundle deployed while a stream is live: installed after the stream
 * started, then replaced in place. Each time the stream's existing output is packaged, and
 * its multivariant playlist and parts are served.
 */
class LlhlsHotDeployIT {
    private static final String BUNDLE = "dev.kiln.publisher.llhls";
    private static final String STREAM = "hot";
    private static final Duration LIMIT = Duration.ofSeconds(40);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("llhls-hotdeploy")
            .distributionPlugins("kiln-{rtmp-protocol,ingest-rtmp,publisher-llhls}-*.jar"));

    @Test
    void outputStreamsLiveBeforeThePublisherBundleStartsArePackaged() throws Exception {
        Path deployed;
        try (var jars = Files.newDirectoryStream(KILN.process().pluginsDir(), "kiln-publisher-llhls-*.jar")) {
            deployed = jars.iterator().next();
        }
        Path staging = Files.createTempDirectory(KILN.process().workDir(), "staging-");
        Path jar = staging.resolve(deployed.getFileName());
        awaitPublisher(true);

        Files.move(deployed, jar, StandardCopyOption.ATOMIC_MOVE);
        awaitPublisher(false);
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(KILN.process().workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/app/" + STREAM, "320x240", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30"))) {
            KILN.process().await("the output stream " + STREAM + " with its tracks", LIMIT,
                    () -> ok(KILN.api().get("/v1/vhosts/default/apps/app/streams")).toString()
                            .contains("\"" + STREAM + "\"") && hasTracks(), live -> live || !ffmpeg.isAlive());
            assertThat(ffmpeg.isAlive()).as("ffmpeg publishing:\n%s", ffmpeg.output()).isTrue();

            // installed while the stream is live
            Files.copy(jar, staging.resolve("copy.jar"));
            Files.move(staging.resolve("copy.jar"), deployed, StandardCopyOption.ATOMIC_MOVE);
            awaitPublisher(true);
            assertPlayable();

            // replaced in place (the bundle is updated: a new component instance)
            int startsBefore = packagedAtStart();
            Files.copy(jar, staging.resolve("copy.jar"));
            Files.move(staging.resolve("copy.jar"), deployed, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            KILN.process().await("the replaced publisher packaging the live stream", LIMIT,
                    LlhlsHotDeployIT::packagedAtStart, n -> n > startsBefore);
            awaitPublisher(true);
            assertPlayable();
            assertThat(ffmpeg.isAlive()).as("ffmpeg publishing throughout:\n%s", ffmpeg.output()).isTrue();
        }
    }

    /** The multivariant playlist, a media playlist and one of its parts, from the playback port. */
    private static void assertPlayable() {
        Fetched master = KILN.process().await("200 for /app/" + STREAM + "/llhls.m3u8", LIMIT,
                () -> get("/app/" + STREAM + "/llhls.m3u8"), f -> f.status == 200);
        assertThat(master.text()).startsWith("#EXTM3U").contains("#EXT-X-STREAM-INF:", "CODECS=\"avc1.", "mp4a.40.2");
        String chunklist = master.text().lines().filter(l -> l.startsWith("chunklist_")).findFirst().orElseThrow();
        Fetched media = get("/app/" + STREAM + "/" + chunklist);
        assertThat(media.status).isEqualTo(200);
        String part = media.text().lines().filter(l -> l.startsWith("#EXT-X-PART:")).reduce((a, b) -> b)
                .map(l -> l.replaceAll(".*URI=\"([^\"]+)\".*", "$1")).orElseThrow();
        Fetched fetched = get("/app/" + STREAM + "/" + part);
        assertThat(fetched.status).isEqualTo(200);
        assertThat(fetched.body.length).isGreaterThan(100);
    }

    private static boolean hasTracks() {
        JsonNode info = ok(KILN.api().get("/v1/vhosts/default/apps/app/streams/" + STREAM));
        return info.path("input").path("tracks").size() >= 2;
    }

    /** How often a publisher instance started with live output streams to package. */
    private static int packagedAtStart() {
        return (int) KILN.process().logLines().stream()
                .filter(l -> l.contains("LL-HLS publisher started with 1 live output stream")).count();
    }

    private static void awaitPublisher(boolean active) {
        KILN.process().await(BUNDLE + (active ? " ACTIVE" : " gone") + " in GET /v1/plugins", LIMIT,
                LlhlsHotDeployIT::publisherStates,
                states -> active ? states.equals(List.of("ACTIVE")) : states.isEmpty());
    }

    private static List<String> publisherStates() {
        List<String> states = new ArrayList<>();
        StreamSupport.stream(ok(KILN.api().get("/v1/plugins")).spliterator(), false)
                .filter(p -> BUNDLE.equals(p.path("symbolicName").asText()))
                .forEach(p -> states.add(p.path("state").asText()));
        return states;
    }

    private record Fetched(int status, byte[] body) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + (body.length > 200 ? body.length + " bytes" : text());
        }
    }

    private static Fetched get(String path) {
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + KILN.process().httpPort() + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Fetched(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Fetched(-1, ("GET failed: " + e).getBytes());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
