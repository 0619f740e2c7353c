package dev.kiln.bench.rtmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RTMP ingest load: for each number of publishers, a fresh server (Kiln, then nginx-rtmp) takes
 * that many publishers replaying one pre-encoded FLV at real-time pace from this JVM; after a
 * warm-up, the server's CPU time and resident memory are read from {@code /proc} over a fixed
 * window. Prints CPU seconds per stream-minute and RSS per stream, and their Kiln/nginx ratios.
 */
public final class RtmpIngestBench {
    private static final String PREFIX = "bench";
    /** CPU of the server with no publisher is read over this long, after its start. */
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(5);

    private RtmpIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        RtmpBenchOptions options;
        try {
            options = RtmpBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.servers().contains("nginx")) {
            requireReadable(options.nginx(), "nginx (Debian: apt-get install nginx-light libnginx-mod-rtmp)");
            requireReadable(options.nginxModule(), "the nginx RTMP module (Debian: apt-get install libnginx-mod-rtmp)");
        }
        Files.createDirectories(options.work());
        progress("work folder %s", options.work());
        progress("source FLV %s (made with the bundled ffmpeg when missing)", options.flv());
        FlvFile flv = FlvFile.read(SourceFlv.ensure(options.flv(), options.flvSeconds(), options.videoBitrate()));
        progress("pacing: %s", options.pacing().name().toLowerCase(java.util.Locale.ROOT));
        progress("FLV: %d tags, %.1f s loop, %.2f Mbit/s of media", flv.tags().size(), flv.durationMs() / 1000.0,
                flv.bitrate() / 1e6);

        List<LevelResult> results = new ArrayList<>();
        for (int level : options.levels()) {
            for (String server : options.servers()) {
                results.add(runLevel(options, flv, server, level));
            }
        }
        System.out.println(ResultTable.render(results, options.levels()));
    }

    private static LevelResult runLevel(RtmpBenchOptions o, FlvFile flv, String which, int streams) throws Exception {
        Path work = Files.createTempDirectory(o.work(), which + "-" + streams + "-");
        try (IngestServer server = which.equals("kiln")
                ? KilnIngestServer.start(o.kilnHome(), work, o.kilnJvmOpts(), o.kilnPlugins())
                : NginxRtmpServer.start(o.nginx(), o.nginxModule(), o.nginxWorkers(), work);
             PacedSender sender = new PacedSender(o.pacing())) {
            progress("%s: started (pid %d), %d publishers", server.name(), server.pid(), streams);
            double idleCpu0 = ProcessStats.cpuSeconds(server.pid());
            sleep(IDLE_WINDOW);
            double idleCpuPercent = 100 * (ProcessStats.cpuSeconds(server.pid()) - idleCpu0) / IDLE_WINDOW.toSeconds();
            long rssIdle = ProcessStats.rssBytes(server.pid());
            List<RtmpPublisher> publishers = new ArrayList<>();
            try {
                for (int i = 0; i < streams; i++) {
                    RtmpPublisher p = RtmpPublisher.publish(server.rtmpAddress(), "app", PREFIX + i, flv);
                    publishers.add(p);
                    sender.add(p);
                }
                progress("%s: %d publishing; warming up %d s", server.name(), streams, o.warmup().toSeconds());
                sleep(o.warmup());

                sender.resetMaxRound();
                long sent0 = sent(publishers);
                double cpu0 = ProcessStats.cpuSeconds(server.pid());
                double sys0 = ProcessStats.systemSeconds(server.pid());
                long t0 = System.nanoTime();
                sleep(o.duration());
                double cpu1 = ProcessStats.cpuSeconds(server.pid());
                double sys1 = ProcessStats.systemSeconds(server.pid());
                long t1 = System.nanoTime();
                long sent1 = sent(publishers);
                long rss = ProcessStats.rssBytes(server.pid());
                int seen = liveStreams(server);
                List<String> failures = publishers.stream().filter(RtmpPublisher::failed)
                        .map(RtmpPublisher::failure).toList();
                if (!failures.isEmpty()) {
                    progress("%s: %d publishers failed, e.g. %s", server.name(), failures.size(), failures.get(0));
                }
                LevelResult r = new LevelResult(server.name(), streams, idleCpuPercent, (t1 - t0) / 1e9, cpu1 - cpu0, sys1 - sys0, rssIdle, rss,
                        (sent1 - sent0) * 8, seen, failures.size());
                progress("%s, %d streams: %.3f CPU s/stream-min (%.0f%% of a core), %.2f MiB RSS/stream,"
                                + " %.2f Mbit/s sent per stream, %d streams seen, slowest sender round %d ms",
                        r.server(), streams, r.cpuPerStreamMinute(), r.cpuPercent(), r.rssPerStreamMiB(),
                        r.sentMbitPerStream(), seen, sender.maxRoundNanos() / 1_000_000);
                return r;
            } finally {
                for (RtmpPublisher p : publishers) {
                    p.close();
                }
            }
        }
    }

    /** The server's count of the benchmark's streams, or -1 when it does not answer. */
    private static int liveStreams(IngestServer server) throws InterruptedException {
        try {
            return server.liveStreams(PREFIX);
        } catch (IOException e) {
            progress("%s: could not count its streams: %s", server.name(), e);
            return -1;
        }
    }

    private static long sent(List<RtmpPublisher> publishers) {
        return publishers.stream().mapToLong(RtmpPublisher::bytesSent).sum();
    }

    /** Waits out a measurement interval (the thing being timed, not a synchronisation). */
    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static void progress(String format, Object... args) {
        System.err.println("[rtmp-bench] " + String.format(Locale.ROOT, format, args));
    }

    private static void requireReadable(Path p, String what) throws IOException {
        if (!Files.isReadable(p)) {
            throw new IOException(what + " not found: " + p);
        }
    }
}
