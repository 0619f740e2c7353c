package dev.kiln.dist;

import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bundled ffmpeg publishing a test pattern and a sine tone over RTMP at real-time pace
 * ({@code -re -f lavfi testsrc2 / sine}, libx264 + AAC), until it is stopped or the server
 * drops it. Its output and {@code -progress} go to files in {@code dir}. {@link #close()}
 * kills it (ffmpeg ignores SIGTERM while it waits on the network).
 */
final class FfmpegPublisher implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path progress;

    private FfmpegPublisher(Process process, Path log, Path progress) {
        this.process = process;
        this.log = log;
        this.progress = progress;
    }

    /** 320x240 at 30 fps, ultrafast, GOP 2 s: light enough for many at once on a small machine. */
    static FfmpegPublisher small(Path dir, String url) {
        return start(dir, url, "320x240", "ultrafast", List.of());
    }

    /**
     * Starts ffmpeg: video {@code size} at 30 fps, key frame every 60 frames (no scene-cut key
     * frames), x264 {@code preset}, AAC; {@code videoOptions} go after the x264 options.
     */
    static FfmpegPublisher start(Path dir, String url, String size, String preset, List<String> videoOptions) {
        return start(dir, url, size, preset, videoOptions, "flv");
    }

    /** The same, muxed as {@code format} ({@code flv}, {@code mpegts}) for {@code url}. */
    static FfmpegPublisher start(Path dir, String url, String size, String preset, List<String> videoOptions,
                                 String format) {
        try {
            Files.createDirectories(dir);
            String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_-]", "_");
            name = name.length() > 40 ? name.substring(0, 40) : name;
            Path log = Files.createTempFile(dir, "ffmpeg-" + name + "-", ".log");
            Path progress = Files.createTempFile(dir, "ffmpeg-" + name + "-", ".progress");
            List<String> args = new ArrayList<>(List.of(
                    "-loglevel", "info", "-nostats", "-progress", progress.toString(),
                    "-re", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30",
                    "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-c:v", "libx264", "-preset", preset, "-g", "60", "-keyint_min", "60",
                    "-sc_threshold", "0"));
            args.addAll(videoOptions);
            args.addAll(List.of("-c:a", "aac", "-ac", "2", "-b:a", "128k", "-f", format, url));
            return new FfmpegPublisher(FfmpegTool.startFfmpeg(log, args), log, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a media file at its own pace ({@code -re}) as FLV to {@code url}, with
     * {@code codecs} (e.g. {@code -c copy}) for its streams.
     */
    static FfmpegPublisher file(Path dir, Path media, String url, List<String> codecs) {
        try {
            Files.createDirectories(dir);
            String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_-]", "_");
            Path log = Files.createTempFile(dir, "ffmpeg-" + name + "-", ".log");
            Path progress = Files.createTempFile(dir, "ffmpeg-" + name + "-", ".progress");
            List<String> args = new ArrayList<>(List.of("-loglevel", "info", "-nostats", "-progress",
                    progress.toString(), "-re", "-i", media.toString()));
            args.addAll(codecs);
            args.addAll(List.of("-f", "flv", url));
            return new FfmpegPublisher(FfmpegTool.startFfmpeg(log, args), log, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for ffmpeg to exit; fails (and kills it) after {@code limit}. Returns the exit code. */
    int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("ffmpeg still running after " + limit.toSeconds() + " s:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** kill -9. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What ffmpeg printed so far. */
    String output() {
        return read(log);
    }

    /**
     * The last complete block of {@code -progress} output ({@code total_size}, {@code out_time_us},
     * {@code bitrate} in kbit/s, ...), empty before the first one.
     */
    Map<String, String> progress() {
        Map<String, String> last = new HashMap<>();
        Map<String, String> block = new HashMap<>();
        for (String line : read(progress).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                block.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                if (line.startsWith("progress=")) {
                    last = block;
                    block = new HashMap<>();
                }
            }
        }
        return last;
    }

    /** ffmpeg's own bitrate (all streams, container overhead included), bit/s, or -1 when unknown. */
    double reportedBitrate() {
        String kbits = progress().getOrDefault("bitrate", "N/A").replace("kbits/s", "");
        try {
            return Double.parseDouble(kbits) * 1000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "ffmpeg (pid " + process.pid() + ", log " + log + ")";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
