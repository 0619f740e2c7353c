package dev.kiln.bench.push;

import dev.kiln.bench.rtmp.ProcessStats;
import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One bundled {@code ffmpeg -i rtmp://origin/app/in -c copy -f flv rtmp://receiver/app/kN}
 * process per target: the "a relay process per push" way.
 */
final class FfmpegRelays implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    /** Starts one copy of {@code source} to {@code targetApp/<prefix>i} for i in [0, count). */
    static FfmpegRelays start(String source, String targetApp, String prefix, int count, Path logs) throws Exception {
        Files.createDirectories(logs);
        FfmpegRelays relays = new FfmpegRelays();
        try {
            for (int i = 0; i < count; i++) {
                relays.processes.add(FfmpegTool.startFfmpeg(logs.resolve(prefix + i + ".log"), List.of(
                        "-loglevel", "error", "-i", source, "-c", "copy", "-f", "flv", targetApp + "/" + prefix + i)));
            }
        } catch (RuntimeException e) {
            relays.close();
            throw e;
        }
        return relays;
    }

    /** CPU seconds (user + system) of all the processes so far (a process that ended counts 0). */
    double cpuSeconds() {
        return processes.stream().mapToDouble(p -> ProcessStats.cpuSeconds(p.pid())).sum();
    }

    long rssBytes() {
        return processes.stream().mapToLong(p -> ProcessStats.rssBytes(p.pid())).sum();
    }

    long alive() {
        return processes.stream().filter(Process::isAlive).count();
    }

    /** SIGTERM, SIGKILL for any still running after 10 s. */
    @Override
    public void close() throws InterruptedException {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process p : processes) {
            long left = deadline - System.nanoTime();
            if (!p.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
