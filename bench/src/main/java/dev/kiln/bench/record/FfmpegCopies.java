package dev.kiln.bench.record;

import dev.kiln.bench.rtmp.ProcessStats;
import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One bundled {@code ffmpeg -i rtmp://… -c copy -f mpegts} process per stream, each pulling one
 * stream from a relay and writing it to its own file: the "a process per recording" way.
 */
final class FfmpegCopies implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    /** Starts one copy of {@code rtmp://<relay>/<streamName>} into {@code dir/<streamName>.ts} per name. */
    static FfmpegCopies start(String rtmpBase, List<String> streamNames, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        FfmpegCopies copies = new FfmpegCopies();
        try {
            for (String name : streamNames) {
                copies.processes.add(FfmpegTool.startFfmpeg(dir.resolve("logs/" + name + ".log"), List.of(
                        "-loglevel", "error", "-i", rtmpBase + "/" + name,
                        "-map", "0", "-c", "copy", "-f", "mpegts", dir.resolve(name + ".ts").toString())));
            }
        } catch (RuntimeException e) {
            copies.close();
            throw e;
        }
        return copies;
    }

    /** CPU seconds (user + system) of all the processes so far. */
    double cpuSeconds() {
        return processes.stream().mapToDouble(p -> ProcessStats.cpuSeconds(p.pid())).sum();
    }

    long rssBytes() {
        return processes.stream().mapToLong(p -> ProcessStats.rssBytes(p.pid())).sum();
    }

    long alive() {
        return processes.stream().filter(Process::isAlive).count();
    }

    /** SIGTERM (ffmpeg then finishes its file), SIGKILL for any still running after 10 s. */
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
