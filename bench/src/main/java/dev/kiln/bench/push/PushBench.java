package dev.kiln.bench.push;

import dev.kiln.bench.rtmp.FlvFile;
import dev.kiln.bench.rtmp.KilnIngestServer;
import dev.kiln.bench.rtmp.ProcessStats;
import dev.kiln.bench.rtmp.SourceFlv;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * RTMP push fan-out: one input stream sent on to 1, 10, 50 … RTMP targets on a receiving
 * nginx-rtmp, by Kiln ({@code :startPush}, RTMP bundles + push bundle, no transcoding) and, in
 * the same run, by one {@code ffmpeg -c copy} relay process per target pulling from an origin
 * nginx-rtmp. Measures the CPU per push (Kiln: its CPU minus its CPU with the same input and no
 * push; ffmpeg: the relays' CPU, the origin's extra CPU reported beside it) and the latency from
 * the publisher to a player of the first target, frame by frame.
 */
public final class PushBench {
    private static final String INPUT = "in";
    private static final String KEY_PREFIX = "k";
    private static final String KEYS = KEY_PREFIX + "\\d+";
    private static final Pattern STARTED = Pattern.compile("\"state\"\\s*:\\s*\"started\"");
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private PushBench() {
    }

    public static void main(String[] args) throws Exception {
        PushBenchOptions options;
        try {
            options = PushBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        requireReadable(options.nginx(), "nginx (Debian: apt-get install nginx libnginx-mod-rtmp)");
        requireReadable(options.nginxModule(), "the nginx RTMP module (Debian: apt-get install libnginx-mod-rtmp)");
        Files.createDirectories(options.work());
        progress("work folder %s", options.work());
        FlvFile flv = FlvFile.read(SourceFlv.ensure(options.flv(), 30, "2400k"));
        progress("FLV %s: %.1f s loop, %.2f Mbit/s of media", options.flv(), flv.durationMs() / 1000.0,
                flv.bitrate() / 1e6);

        List<StepResult> results = new ArrayList<>();
        for (String setup : options.setups()) {
            results.addAll(setup.equals("kiln") ? runKiln(options, flv) : runFfmpeg(options, flv));
        }
        System.out.println(PushTable.render(results, options.levels()));
    }

    /** Publisher → Kiln app/in; Kiln pushes to receiver app/k0..kN-1. */
    private static List<StepResult> runKiln(PushBenchOptions o, FlvFile flv) throws Exception {
        Path dir = Files.createTempDirectory(o.work(), "kiln-");
        FrameClock clock = new FrameClock();
        List<StepResult> results = new ArrayList<>();
        try (NginxRelay receiver = NginxRelay.start(o.nginx(), o.nginxModule(), dir.resolve("receiver"));
             KilnIngestServer kiln = KilnIngestServer.start(o.kilnHome(), dir.resolve("kiln"), o.kilnJvmOpts(),
                     o.kilnPlugins());
             TimedPublisher publisher = TimedPublisher.start(kiln.rtmpAddress(), "app", INPUT, flv, clock)) {
            progress("kiln: started (pid %d, log %s), receiver nginx pid %d; publishing app/%s; warming up %d s",
                    kiln.pid(), dir.resolve("kiln/kiln.log"), receiver.pid(), INPUT, o.warmup().toSeconds());
            sleep(o.warmup());
            int most = o.levels().stream().max(Integer::compare).orElseThrow();
            progress("kiln: warm-up round with %d pushes for %d s (the push path compiled before anything is measured)",
                    most, o.warmup().toSeconds());
            startPushes(kiln, receiver, "w", most);
            awaitLive("kiln", receiver, most, () -> started(kiln));
            sleep(o.warmup());
            stopPushes(kiln, "w", most);
            awaitLive("kiln (stopped)", receiver, 0, () -> 0);
            long rss0 = ProcessStats.rssBytes(kiln.pid());
            // The no-push CPU drifts over the life of the JVM (it settles for minutes after the start):
            // a no-push window before and after every level, and each level uses the mean of the two
            // around it.
            List<Double> baselines = new ArrayList<>();
            baselines.add(cpuRate(kiln.pid(), o.duration()));
            progress("kiln: input alone, no push: %.1f%% of a core", 100 * baselines.get(0));
            checkPublisher(publisher);

            for (int n : o.levels()) {
                double before = baselines.get(baselines.size() - 1);
                startPushes(kiln, receiver, "n" + n + "x" + baselines.size(), n);
                awaitLive("kiln", receiver, n, () -> started(kiln));
                StepResult r;
                try (LatencyPlayer player = LatencyPlayer.play(receiver.rtmpAddress(), "app", KEY_PREFIX + "0", clock)) {
                    progress("kiln: %d pushes started; warming up %d s", n, o.warmup().toSeconds());
                    sleep(o.warmup());
                    r = measure("kiln", n, o, player, receiver, () -> ProcessStats.cpuSeconds(kiln.pid()), before,
                            -1, 0, () -> started(kiln), () -> ProcessStats.rssBytes(kiln.pid()) - rss0);
                }
                stopPushes(kiln, "n" + n + "x" + baselines.size(), n);
                awaitLive("kiln (stopped)", receiver, 0, () -> 0);
                checkPublisher(publisher);
                double after = cpuRate(kiln.pid(), o.duration());
                baselines.add(after);
                progress("kiln: input alone again: %.1f%% of a core; %d pushes measured against the mean of %.1f%% and"
                        + " %.1f%%: %.3f CPU s/push-min", 100 * after, n, 100 * before, 100 * after,
                        r.withBaseRate((before + after) / 2).cpuPerPushMinute());
                results.add(r.withBaseRate((before + after) / 2));
            }
        }
        return results;
    }

    /** CPU seconds per second of {@code pid} over {@code window}. */
    private static double cpuRate(long pid, Duration window) throws InterruptedException {
        long t0 = System.nanoTime();
        double c0 = ProcessStats.cpuSeconds(pid);
        sleep(window);
        return (ProcessStats.cpuSeconds(pid) - c0) / ((System.nanoTime() - t0) / 1e9);
    }

    /** {@code :startPush} of ids {@code <prefix>-p0..} from app/in to the receiver's app/k0.. */
    private static void startPushes(KilnIngestServer kiln, NginxRelay receiver, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            expectOk(kiln.post("/v1/vhosts/default/apps/app:startPush", String.format(Locale.ROOT,
                    "{\"id\":\"%s-p%d\",\"stream\":{\"name\":\"%s\"},\"protocol\":\"rtmp\",\"url\":\"%s\","
                            + "\"streamKey\":\"%s%d\"}", prefix, i, INPUT, receiver.appUrl(), KEY_PREFIX, i)),
                    "startPush " + prefix + "-p" + i);
        }
    }

    private static void stopPushes(KilnIngestServer kiln, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            expectOk(kiln.post("/v1/vhosts/default/apps/app:stopPush", "{\"id\":\"" + prefix + "-p" + i + "\"}"),
                    "stopPush " + prefix + "-p" + i);
        }
    }

    /** Publisher → origin nginx app/in; per target one ffmpeg pulls it and pushes to receiver app/kI. */
    private static List<StepResult> runFfmpeg(PushBenchOptions o, FlvFile flv) throws Exception {
        Path dir = Files.createTempDirectory(o.work(), "ffmpeg-");
        FrameClock clock = new FrameClock();
        List<StepResult> results = new ArrayList<>();
        try (NginxRelay receiver = NginxRelay.start(o.nginx(), o.nginxModule(), dir.resolve("receiver"));
             NginxRelay origin = NginxRelay.start(o.nginx(), o.nginxModule(), dir.resolve("origin"));
             TimedPublisher publisher = TimedPublisher.start(origin.rtmpAddress(), "app", INPUT, flv, clock)) {
            progress("ffmpeg-copy: origin nginx pid %d, receiver nginx pid %d; publishing app/%s; warming up %d s",
                    origin.pid(), receiver.pid(), INPUT, o.warmup().toSeconds());
            double originBase;
            try (LatencyPlayer direct = LatencyPlayer.play(origin.rtmpAddress(), "app", INPUT, clock)) {
                sleep(o.warmup());
                StepResult reference = measure("direct", 0, o, direct, origin, () -> 0, 0,
                        origin.pid(), 0, () -> 1, () -> 0);
                results.add(reference);
                originBase = reference.originCpu() / reference.seconds();
            }
            progress("ffmpeg-copy: origin with the input and one player, no relay: %.1f%% of a core", 100 * originBase);
            checkPublisher(publisher);

            for (int n : o.levels()) {
                StepResult r;
                try (FfmpegRelays relays = FfmpegRelays.start(origin.appUrl() + "/" + INPUT, receiver.appUrl(),
                        KEY_PREFIX, n, dir.resolve("relays-" + n))) {
                    awaitLive("ffmpeg-copy", receiver, n, () -> (int) relays.alive());
                    try (LatencyPlayer player = LatencyPlayer.play(receiver.rtmpAddress(), "app", KEY_PREFIX + "0",
                            clock)) {
                        progress("ffmpeg-copy: %d relays publishing; warming up %d s", n, o.warmup().toSeconds());
                        sleep(o.warmup());
                        r = measure("ffmpeg-copy", n, o, player, receiver, relays::cpuSeconds, 0, origin.pid(),
                                originBase, () -> (int) relays.alive(), relays::rssBytes);
                    }
                    if (relays.alive() < n) {
                        progress("ffmpeg-copy: %d of %d relays ended early (logs in %s)", n - relays.alive(), n,
                                dir.resolve("relays-" + n));
                    }
                }
                awaitLive("ffmpeg-copy (stopped)", receiver, 0, () -> 0);
                results.add(r);
                checkPublisher(publisher);
            }
        }
        return results;
    }

    /**
     * The measured window: CPU of the pushing side (and of the origin when {@code originPid} is
     * not -1) and of the receiver, bytes taken in by the receiver, the player's latencies.
     */
    private static StepResult measure(String setup, int n, PushBenchOptions o, LatencyPlayer player,
                                      NginxRelay receiver, DoubleSupplier pusherCpu, double pusherBase,
                                      long originPid, double originBase, Count running, Count rss) throws Exception {
        String names = n == 0 ? Pattern.quote(INPUT) : KEYS;
        NginxRelay.Streams s0 = receiver.streams(names);
        double p0 = pusherCpu.getAsDouble();
        double o0 = originPid < 0 ? 0 : ProcessStats.cpuSeconds(originPid);
        double r0 = ProcessStats.cpuSeconds(receiver.pid());
        player.startWindow();
        long t0 = System.nanoTime();
        sleep(o.duration());
        double p1 = pusherCpu.getAsDouble();
        double o1 = originPid < 0 ? 0 : ProcessStats.cpuSeconds(originPid);
        double r1 = ProcessStats.cpuSeconds(receiver.pid());
        long t1 = System.nanoTime();
        LatencyPlayer.Window w = player.endWindow();
        NginxRelay.Streams s1 = receiver.streams(names);
        double seconds = (t1 - t0) / 1e9;
        int runningNow = (int) running.get();
        StepResult r = new StepResult(setup, n, seconds, p1 - p0, pusherBase, originPid < 0 ? Double.NaN : o1 - o0,
                originBase, r1 - r0, runningNow, s1.count(), s1.bytesIn() - s0.bytesIn(), rss.get(), w);
        if (n > 0) {
            progress("%s, %d pushes: %.3f CPU s/push-min (%.1f%% of a core in all), %d running, %d live at the"
                            + " receiver, %.2f Mbit/s received per push", setup, n, r.cpuPerPushMinute(),
                    r.pusherCpuPercent(), runningNow, s1.count(), r.receivedMbitPerPush());
        }
        progress("%s, %d pushes: latency p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d frames (%d not matched)%s",
                setup, n, w.p50Ms(), w.p99Ms(), w.maxMs(), w.frames(), w.unmatched(),
                w.failure() == null ? "" : "; the player failed: " + w.failure());
        return r;
    }

    /** A number read from a server or the system (a count of pushes, bytes). */
    @FunctionalInterface
    private interface Count {
        long get() throws Exception;
    }

    /** Waits until the receiver has {@code n} streams published and {@code running} says n (at most {@link #SETTLE}). */
    private static void awaitLive(String label, NginxRelay receiver, int n, Count running) throws Exception {
        long start = System.nanoTime();
        long deadline = start + SETTLE.toNanos();
        int live = -1;
        int runningNow = -1;
        while (System.nanoTime() < deadline) {
            live = receiver.streams(KEYS).count();
            runningNow = (int) running.get();
            if (live == n && (n == 0 || runningNow == n)) {
                progress("%s: %d streams at the receiver after %.1f s", label, n, (System.nanoTime() - start) / 1e9);
                return;
            }
            Thread.sleep(200); // polling the receiver's statistics
        }
        throw new IOException(label + ": " + live + " streams at the receiver (" + runningNow + " running) instead of "
                + n + " after " + SETTLE.toSeconds() + " s");
    }

    private static int started(KilnIngestServer kiln) throws IOException, InterruptedException {
        HttpResponse<String> r = kiln.post("/v1/vhosts/default/apps/app:pushes", "{}");
        expectOk(r, ":pushes");
        return (int) STARTED.matcher(r.body()).results().count();
    }

    private static void checkPublisher(TimedPublisher publisher) throws IOException {
        if (publisher.failure() != null) {
            throw new IOException("the publisher stopped: " + publisher.failure());
        }
    }

    private static void expectOk(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** Waits out a measurement interval (the thing being timed, not a synchronisation). */
    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    static void progress(String format, Object... args) {
        System.err.println("[push-bench] " + String.format(Locale.ROOT, format, args));
    }

    private static void requireReadable(Path p, String what) throws IOException {
        if (!Files.isReadable(p)) {
            throw new IOException(what + " not found: " + p);
        }
    }
}
