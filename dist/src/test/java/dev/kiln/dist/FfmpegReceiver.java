package dev.kiln.dist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bundled ffmpeg receiving a push and copying it into an MPEG-TS file: as an SRT listener
 * (one caller, ends when the caller leaves) or reading UDP (ends after 3 s without data).
 */
final class FfmpegReceiver implements AutoCloseable {
    private final Process process;
    private final Path file;
    private final Path log;

    private FfmpegReceiver(Process process, Path file, Path log) {
        this.process = process;
        this.file = file;
        this.log = log;
    }

    /** {@code ffmpeg -i srt://127.0.0.1:port?mode=listener -c copy file}. */
    static FfmpegReceiver srtListener(Path dir, int port, String name) {
        return start(dir, name, "srt://127.0.0.1:" + port + "?mode=listener");
    }

    /** {@code ffmpeg -i udp://127.0.0.1:port -c copy file}, ending after 3 s of silence. */
    static FfmpegReceiver udp(Path dir, int port, String name) {
        return udp(dir, port, name, Duration.ofSeconds(3));
    }

    /**
     * A UDP receiver that gives up (and finishes its file) after {@code silence} without data,
     * the wait for the first packet included.
     */
    static FfmpegReceiver udp(Path dir, int port, String name, Duration silence) {
        return start(dir, name, "udp://127.0.0.1:" + port + "?timeout=" + silence.toNanos() / 1000);
    }

    /**
     * A UDP receiver ({@link #udp(Path, int, String)}) on a port that was free, already bound
     * when this returns. A "free" port can be taken by another process before ffmpeg binds it;
     * then ffmpeg exits and another port is tried.
     *
     * @param ports receives the port the receiver listens on
     */
    static FfmpegReceiver udpOnFreePort(Path dir, String name, java.util.function.IntConsumer ports) {
        for (int attempt = 1; ; attempt++) {
            int port = freeUdpPort();
            FfmpegReceiver receiver = udp(dir, port, name);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (receiver.isAlive() && !bound(port) && System.nanoTime() < deadline) {
                try {
                    receiver.process.waitFor(20, TimeUnit.MILLISECONDS); // polls the two conditions above
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (receiver.isAlive() && bound(port)) {
                ports.accept(port);
                return receiver;
            }
            receiver.close();
            if (attempt == 5) {
                throw new AssertionError("no ffmpeg UDP receiver could bind a port in 5 tries; last log: " + receiver.log);
            }
        }
    }

    /** Something (the receiver) holds the UDP port on loopback. */
    private static boolean bound(int port) {
        try (DatagramSocket probe = new DatagramSocket(port, java.net.InetAddress.getLoopbackAddress())) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static FfmpegReceiver start(Path dir, String name, String input) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".ts");
            Path log = dir.resolve(name + ".log");
            List<String> args = List.of("-loglevel", "info", "-nostats", "-y", "-analyzeduration", "1000000", "-i", input, "-c", "copy",
                    "-f", "mpegts", file.toString());
            return new FfmpegReceiver(FfmpegTool.startFfmpeg(log, args), file, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UDP port free at the time of the call. */
    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for ffmpeg to finish its file; fails (and kills it) after {@code limit}. */
    void awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("ffmpeg receiver still running after " + limit.toSeconds() + " s:\n"
                        + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9 (ffmpeg ignores SIGTERM while it waits on the network), then waits for the exit. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** Codec names of a file's streams, in order (ffprobe). */
    static List<String> codecs(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error",
                "-show_entries", "stream=codec_name", "-of", "json", file.toString()));
        if (r.exitCode() != 0) {
            throw new AssertionError("ffprobe cannot read " + file + ":\n" + r.output());
        }
        try {
            JsonNode json = KilnApi.JSON.readTree(r.output().substring(r.output().indexOf('{')));
            List<String> out = new ArrayList<>();
            json.path("streams").forEach(s -> out.add(s.path("codec_name").asText()));
            return out;
        } catch (IOException e) {
            throw new AssertionError("ffprobe output of " + file + " is not JSON:\n" + r.output(), e);
        }
    }
}
