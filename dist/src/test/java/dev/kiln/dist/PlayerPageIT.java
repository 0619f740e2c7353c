package dev.kiln.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The player page and the DevTools driver without the LL-HLS publisher: the page's files and
 * a live fMP4 HLS stream written by the bundled ffmpeg ({@code -f hls -hls_segment_type fmp4},
 * with program date-times) are served by {@link StandInPlaybackServer} under the URLs of
 * Kiln's playback port, and headless Chromium plays them. {@link LlhlsPlayerIT} does the same
 * against the real server.
 */
class PlayerPageIT {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final Duration WATCH = Duration.ofSeconds(10);

    @Test
    void pageListsTheStreamPlaysItWithHlsJsAndShowsTheLatency() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(
                Paths.get(System.getProperty("kiln.it.work", "target/it-work")).toAbsolutePath()), "player-page-");
        Path hls = Files.createDirectories(work.resolve("hls"));
        Path ffmpegLog = work.resolve("ffmpeg.log");
        Process ffmpeg = FfmpegTool.startFfmpeg(ffmpegLog, List.of(
                "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
                "-c:a", "aac", "-ac", "2", "-b:a", "96k",
                "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_list_size", "6",
                "-hls_flags", "delete_segments+program_date_time+independent_segments+temp_file",
                "-hls_fmp4_init_filename", "init.mp4",
                "-hls_segment_filename", hls.resolve("seg%05d.m4s").toString(),
                hls.resolve("llhls.m3u8").toString()));
        try (StandInPlaybackServer server = StandInPlaybackServer.start("app", "standin", hls);
             HeadlessChromium chromium = HeadlessChromium.start(work)) {
            awaitSegments(hls, ffmpeg, ffmpegLog, 3);

            PlayerPage page = PlayerPage.open(chromium, "http://127.0.0.1:" + server.port() + "/?app=app&stream=standin");
            page.awaitPlaying(START_LIMIT);
            PlayerPage.Watch watch = page.watch(WATCH);
            System.out.println("PlayerPageIT, the page while watching:\n" + watch.describe());
            String report = watch.describe() + chromium.describe();

            assertThat(watch.advance()).as("currentTime advance in %.1f s of watching\n%s", watch.wallSeconds(), report)
                    .isGreaterThan(WATCH.toSeconds() * 0.6);
            assertThat(watch.longestStall()).as("longest stall\n%s", report).isLessThan(3.0);
            assertThat(watch.samples()).as(report).allSatisfy(s -> {
                assertThat(s.state()).isIn("playing", "waiting");
                assertThat(s.error()).isNull();
            });
            PlayerPage.Sample last = watch.samples().get(watch.samples().size() - 1);
            assertThat(last.videoWidth()).as("decoded width\n%s", report).isEqualTo(640);
            assertThat(last.videoHeight()).isEqualTo(360);
            assertThat(last.decodedFrames()).as("frames shown\n%s", report).isGreaterThan(100);
            // ffmpeg's plain HLS with 1 s segments: hls.js stays about three segments behind.
            OptionalDouble latency = watch.medianLatencyOfSecondHalf();
            assertThat(latency).as("latency from the program date-time\n%s", report).isPresent();
            assertThat(latency.getAsDouble()).as(report).isBetween(0.0, 15.0);

            assertThat(page.evaluate("document.getElementById('engine').textContent").asText())
                    .startsWith("hls.js 1.");
            assertThat(page.evaluate("document.getElementById('latency').textContent").asText()).endsWith(" s");
            assertThat(page.evaluate("document.getElementById('now-playing').textContent").asText())
                    .isEqualTo("app/standin");
            // The list comes from /streams (refreshed every 3 s) and marks the stream on screen.
            assertThat(page.evaluate("Array.from(document.querySelectorAll('#streams a.current'))"
                    + ".map(a => a.textContent + ' ' + a.getAttribute('href'))").toString())
                    .isEqualTo("[\"app/standin ?app=app&stream=standin\"]");
        } finally {
            ffmpeg.destroyForcibly();
        }
    }

    @Test
    void aStreamThatIsNotThereShowsAnErrorAndKeepsRetrying() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(
                Paths.get(System.getProperty("kiln.it.work", "target/it-work")).toAbsolutePath()), "player-page-");
        Path empty = Files.createDirectories(work.resolve("empty"));
        try (StandInPlaybackServer server = StandInPlaybackServer.start("app", "standin", empty);
             HeadlessChromium chromium = HeadlessChromium.start(work)) {
            PlayerPage page = PlayerPage.open(chromium, "http://127.0.0.1:" + server.port() + "/?app=app&stream=gone");
            long deadline = System.nanoTime() + START_LIMIT.toNanos();
            PlayerPage.Sample s = page.sample();
            while (!"retrying".equals(s.state()) && System.nanoTime() < deadline) {
                Thread.sleep(200); // poll interval of a loop with a deadline
                s = page.sample();
            }
            assertThat(s.state()).as(chromium.describe()).isEqualTo("retrying");
            assertThat(s.error()).contains("networkError", "manifestLoadError", "HTTP 404", "retrying");
            assertThat(page.evaluate("document.getElementById('error').hidden").asBoolean()).isFalse();
        }
    }

    private static void awaitSegments(Path hls, Process ffmpeg, Path log, int count) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        Path playlist = hls.resolve("llhls.m3u8");
        while (true) {
            if (Files.exists(playlist)
                    && Files.readString(playlist).lines().filter(l -> l.endsWith(".m4s")).count() >= count) {
                return;
            }
            if (!ffmpeg.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("ffmpeg wrote no " + count + " segments within " + START_LIMIT.toSeconds()
                        + " s:\n" + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(200); // poll interval of a loop with a deadline
        }
    }
}
