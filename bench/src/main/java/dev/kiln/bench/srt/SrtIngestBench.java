package dev.kiln.bench.srt;

import dev.kiln.bench.rtmp.ProcessStats;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * SRT ingest under loss: for each number of publishers, Kiln's SRT listener and then one
 * {@code srt-live-transmit} listener per stream take that many bundled-ffmpeg callers looping one
 * ~2.5 Mbit/s MPEG-TS at real-time pace, through {@link LossyRelay}, which drops a share of the
 * callers' data packets so that every receiver has to ask for retransmissions. Reads the
 * receivers' CPU over a window and, after the callers stop, how many of the packets sent were
 * handed on.
 */
public final class SrtIngestBench {
    static final String PREFIX = "srtbench";

    private SrtIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        SrtBenchOptions o;
        try {
            o = SrtBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(o.work());
        progress("work folder %s", o.work());
        Path ts = SourceTs.ensure(o.ts(), o.tsSeconds(), o.videoBitrate());
        double expectedMbit = Files.size(ts) * 8 / probeSeconds(ts) / 1e6;
        progress("source %s: %.2f Mbit/s of MPEG-TS", ts, expectedMbit);
        List<CaseResult> results = new ArrayList<>();
        for (int level : o.levels()) {
            for (String server : o.servers()) {
                results.add(runCase(o, ts, expectedMbit, server, level));
            }
        }
        System.out.println(SrtTable.render(results, o.levels()));
    }

    private static CaseResult runCase(SrtBenchOptions o, Path ts, double expectedMbit, String which, int n)
            throws Exception {
        Path work = Files.createTempDirectory(o.work(), which + "-" + n + "-");
        KilnSrtServer kiln = null;
        UdpSinks sinks = null;
        List<Process> listeners = new ArrayList<>();
        List<Process> publishers = new ArrayList<>();
        LossyRelay relay = null;
        try {
            List<InetSocketAddress> targets = new ArrayList<>();
            List<Long> serverPids = new ArrayList<>();
            if (which.equals("kiln")) {
                kiln = KilnSrtServer.start(o.kilnHome(), work, o.kilnJvmOpts(), o.kilnPlugins());
                serverPids.add(kiln.pid());
                for (int i = 0; i < n; i++) {
                    targets.add(kiln.srtAddress());
                }
                progress("kiln: started (pid %d), SRT on %s", kiln.pid(), kiln.srtAddress());
            } else {
                sinks = new UdpSinks(n);
                for (int i = 0; i < n; i++) {
                    int port = KilnSrtServer.freeUdpPort();
                    Process p = new ProcessBuilder(o.slt(), "-q", "-loglevel:error",
                            "srt://127.0.0.1:" + port + "?mode=listener&latency=" + o.latencyMs(),
                            "udp://127.0.0.1:" + sinks.port(i))
                            .redirectErrorStream(true).redirectOutput(work.resolve("slt-" + i + ".log").toFile()).start();
                    listeners.add(p);
                    serverPids.add(p.pid());
                    targets.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                }
                Thread.sleep(1000);
                long dead = listeners.stream().filter(p -> !p.isAlive()).count();
                if (dead > 0) {
                    throw new IOException(dead + " srt-live-transmit listeners exited; see " + work);
                }
                progress("srt-live-transmit: %d listeners started", n);
            }
            String name = kiln != null ? "kiln" : "srt-live-transmit";
            relay = new LossyRelay(targets, o.loss(), 42);
            for (int i = 0; i < n; i++) {
                String url = "srt://127.0.0.1:" + relay.port(i) + "?streamid=default/app/" + PREFIX + i
                        + "&latency=" + o.latencyMs() * 1000L + "&pkt_size=1316";
                publishers.add(FfmpegTool.startFfmpeg(work.resolve("pub-" + i + ".log"), List.of(
                        "-loglevel", "warning", "-re", "-stream_loop", "-1", "-i", ts.toString(),
                        "-map", "0", "-c", "copy", "-f", "mpegts", url)));
                Thread.sleep(o.connectGap().toMillis());
            }
            progress("%s: %d publishers started; warming up %d s", name, n, o.warmup().toSeconds());
            Thread.sleep(o.warmup().toMillis());

            long[] sink0 = sinks == null ? null : snapshot(sinks.bytes);
            long bytes0 = LossyRelay.sum(relay.originalBytes);
            double cpu0 = cpu(serverPids);
            double gen0 = cpu(pids(publishers));
            double own0 = ownCpu();
            long t0 = System.nanoTime();
            Thread.sleep(o.duration().toMillis());
            double cpu1 = cpu(serverPids);
            double gen1 = cpu(pids(publishers));
            double own1 = ownCpu();
            long t1 = System.nanoTime();
            long bytes1 = LossyRelay.sum(relay.originalBytes);
            double seconds = (t1 - t0) / 1e9;
            int seen;
            if (kiln != null) {
                seen = kiln.liveStreams(PREFIX);
            } else {
                seen = 0;
                for (int i = 0; i < n; i++) {
                    if (sinks.bytes.get(i) > sink0[i]) {
                        seen++;
                    }
                }
            }
            int alive = (int) publishers.stream().filter(Process::isAlive).count();
            double sentMbit = (bytes1 - bytes0) * 8 / seconds / n / 1e6;
            progress("%s, %d streams: %.3f CPU s/stream-min (%.0f%% of a core), generator %.0f%%, harness %.0f%%,"
                            + " %.2f Mbit/s sent per stream, %d seen, %d publishers alive",
                    name, n, (cpu1 - cpu0) / (n * seconds / 60), 100 * (cpu1 - cpu0) / seconds,
                    100 * (gen1 - gen0) / seconds, 100 * (own1 - own0) / seconds, sentMbit, seen, alive);

            stopAll(publishers);
            double delivered;
            long originals;
            if (kiln != null) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                long[] closed = kiln.closedConnections(PREFIX);
                while (closed[0] < n && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                    closed = kiln.closedConnections(PREFIX);
                }
                originals = LossyRelay.sum(relay.originals);
                delivered = originals > 0 ? 1 - closed[1] / (double) originals : 0;
                progress("kiln: %d connections closed, %d packets dropped too late of %d sent", closed[0], closed[1],
                        originals);
            } else {
                Thread.sleep(2000);
                originals = LossyRelay.sum(relay.originals);
                long sent = LossyRelay.sum(relay.originalBytes);
                long got = LossyRelay.sum(sinks.bytes);
                delivered = sent > 0 ? got / (double) sent : 0;
                progress("srt-live-transmit: %d of %d payload bytes reached the sinks", got, sent);
            }
            return new CaseResult(name, n, seconds, cpu1 - cpu0, gen1 - gen0, own1 - own0, sentMbit, expectedMbit,
                    seen, alive, originals, LossyRelay.sum(relay.retransmitted), LossyRelay.sum(relay.dropped),
                    delivered);
        } finally {
            stopAll(publishers);
            stopAll(listeners);
            if (relay != null) {
                relay.close();
            }
            if (sinks != null) {
                sinks.close();
            }
            if (kiln != null) {
                kiln.close();
            }
        }
    }

    private static void stopAll(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        // One grace period for all of them, then SIGKILL for whatever is left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (Process p : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static long[] snapshot(AtomicLongArray a) {
        long[] s = new long[a.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i);
        }
        return s;
    }

    private static List<Long> pids(List<Process> processes) {
        return processes.stream().map(Process::pid).toList();
    }

    private static double cpu(List<Long> pids) {
        double s = 0;
        for (long pid : pids) {
            s += ProcessStats.cpuSeconds(pid);
        }
        return s;
    }

    /** CPU seconds of this JVM alone (relay and sinks), without its child processes. */
    private static double ownCpu() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1e9;
    }

    private static double probeSeconds(Path ts) throws IOException {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofMinutes(1), List.of("-v", "error",
                "-show_entries", "format=duration", "-of", "csv=p=0", ts.toString()));
        try {
            return Double.parseDouble(r.output().trim().lines().reduce((a, b) -> b).orElse(""));
        } catch (NumberFormatException e) {
            throw new IOException("ffprobe gave no duration for " + ts + ": " + r.output(), e);
        }
    }

    static void progress(String format, Object... args) {
        System.err.println("[srt-bench] " + String.format(Locale.ROOT, format, args));
    }
}
