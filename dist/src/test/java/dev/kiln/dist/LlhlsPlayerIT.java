package dev.kiln.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The LL-HLS publisher in a real browser: ffmpeg publishes a test pattern with a sine tone over
 * RTMP (H.264 with a key frame every second, AAC, real-time pace), headless Chromium opens the
 * player page of the playback port ({@code GET /?app=app&stream=…}), and the video must play
 * for 10 s with an end-to-end latency under 3 s. The latency is the one the page shows: the
 * wall clock minus the program date-time of the frame on screen (hls.js {@code playingDate}),
 * so it covers Kiln's packaging, the playlist and part delivery and the player's buffer, but not
 * ffmpeg's encoder (the server stamps the date when the frame arrives).
 */
class LlhlsPlayerIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration WATCH = Duration.ofSeconds(10);
    private static final double MAX_LATENCY_SECONDS = 3.0;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("llhls-player")
            .distributionPlugins()
            .env("KILN_INPUT_TIMEOUT", "3"));

    @Test
    void thePlayerPagePlaysALiveStreamWithLowLatency() throws Exception {
        KilnProcess kiln = KILN.process();
        String base = "http://127.0.0.1:" + kiln.httpPort();

        kiln.await("GET / -> 200 (the LL-HLS publisher's player page)", LIMIT,
                () -> statusOf(base + "/"), status -> status == 200);
        HttpResponse<String> page = get(base + "/");
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("/player/hls.min.js", "/player/player.js");
        assertThat(get(base + "/player/hls.min.js").statusCode()).as("GET /player/hls.min.js").isEqualTo(200);

        try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(kiln.workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/browser", "640x360", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30", "-tune", "zerolatency"))) {
            kiln.await("GET /app/browser/llhls.m3u8 -> 200", LIMIT,
                    () -> statusOf(base + "/app/browser/llhls.m3u8"), status -> status == 200);

            try (HeadlessChromium chromium = HeadlessChromium.start(kiln.workDir().resolve("chromium"))) {
                PlayerPage player = PlayerPage.open(chromium, base + "/?app=app&stream=browser");
                player.awaitPlaying(LIMIT);
                PlayerPage.Watch watch = player.watch(WATCH);
                System.out.println("LlhlsPlayerIT, the page while watching:\n" + watch.describe());
                String report = watch.describe() + chromium.describe() + "\nffmpeg alive: " + ffmpeg.isAlive();

                assertThat(watch.advance()).as("currentTime advance in %.1f s of watching\n%s",
                        watch.wallSeconds(), report).isGreaterThan(WATCH.toSeconds() * 0.6);
                assertThat(watch.longestStall()).as("longest stall\n%s", report).isLessThan(3.0);
                assertThat(watch.samples()).as(report).allSatisfy(s -> assertThat(s.error()).isNull());
                PlayerPage.Sample last = watch.samples().get(watch.samples().size() - 1);
                assertThat(last.videoWidth()).as("decoded width\n%s", report).isEqualTo(640);
                assertThat(last.decodedFrames()).as("frames shown\n%s", report).isGreaterThan(100);

                OptionalDouble latency = watch.medianLatencyOfSecondHalf();
                assertThat(latency).as("a latency from EXT-X-PROGRAM-DATE-TIME (does the playlist carry it?)\n%s",
                        report).isPresent();
                assertThat(latency.getAsDouble()).as("median end-to-end latency, s\n%s", report)
                        .isBetween(0.0, MAX_LATENCY_SECONDS);

                // The list of live streams comes from GET /streams and marks the one on screen.
                kiln.await("the stream in the page's list", LIMIT, () -> player.evaluate(
                        "Array.from(document.querySelectorAll('#streams a.current')).map(a => a.textContent)").toString(),
                        list -> list.equals("[\"app/browser\"]"));
            }
        }
    }

    private static int statusOf(String url) {
        try {
            return get(url).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(String url) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
