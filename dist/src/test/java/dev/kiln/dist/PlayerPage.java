package dev.kiln.dist;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Kiln's player page ({@code player/index.html} of the LL-HLS publisher) open in a
 * {@link HeadlessChromium}, read through the {@code window.kilnPlayer} object the page keeps
 * up to date (state, currentTime, latency from the program date-time, error) and the video
 * element itself.
 */
final class PlayerPage {
    private static final Duration POLL = Duration.ofMillis(250);

    private final HeadlessChromium browser;

    private PlayerPage(HeadlessChromium browser) {
        this.browser = browser;
    }

    /** Opens {@code url} (e.g. {@code http://127.0.0.1:3333/?app=app&stream=s}) in the browser's tab. */
    static PlayerPage open(HeadlessChromium browser, String url) {
        browser.page().navigate(url);
        return new PlayerPage(browser);
    }

    /** One reading of the page. {@code latency} is NaN while the page shows none. */
    record Sample(long nanos, String state, double currentTime, double latency, String error,
                  int videoWidth, int videoHeight, int decodedFrames) {
        boolean playing() {
            return "playing".equals(state) && currentTime > 0;
        }
    }

    Sample sample() {
        JsonNode v = browser.page().evaluate("(() => {"
                + " const p = window.kilnPlayer || {}; const v = document.getElementById('video');"
                + " const q = v && v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;"
                + " return { state: p.state || 'no kilnPlayer', currentTime: v ? v.currentTime : 0,"
                + "   latency: typeof p.latencySeconds === 'number' ? p.latencySeconds : null,"
                + "   error: p.error || null, width: v ? v.videoWidth : 0, height: v ? v.videoHeight : 0,"
                + "   frames: q ? q.totalVideoFrames - q.droppedVideoFrames : 0 }; })()");
        return new Sample(System.nanoTime(),
                v.path("state").asText(),
                v.path("currentTime").asDouble(),
                v.path("latency").isNumber() ? v.path("latency").asDouble() : Double.NaN,
                v.path("error").isTextual() ? v.path("error").asText() : null,
                v.path("width").asInt(), v.path("height").asInt(), v.path("frames").asInt());
    }

    /** Evaluates an expression in the page (for assertions on its DOM). */
    JsonNode evaluate(String expression) {
        return browser.page().evaluate(expression);
    }

    /** Waits until the video plays (state {@code playing}, currentTime above 0); fails after {@code limit}. */
    Sample awaitPlaying(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Sample last = sample();
        while (!last.playing()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The player did not start within " + limit.toSeconds() + " s; last reading "
                        + last + "\n" + browser.describe());
            }
            pause(POLL);
            last = sample();
        }
        return last;
    }

    /** Reads the page every 250 ms for {@code duration}. */
    Watch watch(Duration duration) {
        List<Sample> samples = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        samples.add(sample());
        while (System.nanoTime() < end) {
            pause(POLL);
            samples.add(sample());
        }
        return new Watch(samples);
    }

    /** The readings of one {@link #watch}. */
    record Watch(List<Sample> samples) {
        double wallSeconds() {
            return (samples.get(samples.size() - 1).nanos() - samples.get(0).nanos()) / 1e9;
        }

        double advance() {
            return samples.get(samples.size() - 1).currentTime() - samples.get(0).currentTime();
        }

        /** The longest stretch of wall-clock time in which currentTime did not move, in seconds. */
        double longestStall() {
            double longest = 0;
            Sample since = samples.get(0);
            for (Sample s : samples) {
                if (s.currentTime() > since.currentTime()) {
                    since = s;
                } else {
                    longest = Math.max(longest, (s.nanos() - since.nanos()) / 1e9);
                }
            }
            return longest;
        }

        /** The median of the latencies shown in the second half of the watch. */
        OptionalDouble medianLatencyOfSecondHalf() {
            double[] values = samples.subList(samples.size() / 2, samples.size()).stream()
                    .mapToDouble(Sample::latency).filter(l -> !Double.isNaN(l)).sorted().toArray();
            return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(values[values.length / 2]);
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            long t0 = samples.get(0).nanos();
            for (Sample s : samples) {
                b.append(String.format("%6.2f s: %-8s currentTime %7.2f latency %6.2f %dx%d frames %d%s%n",
                        (s.nanos() - t0) / 1e9, s.state(), s.currentTime(), s.latency(), s.videoWidth(),
                        s.videoHeight(), s.decodedFrames(), s.error() == null ? "" : " error: " + s.error()));
            }
            return b.toString();
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // the poll interval of a reading loop with a deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
