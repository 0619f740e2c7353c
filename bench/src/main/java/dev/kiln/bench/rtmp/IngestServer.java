package dev.kiln.bench.rtmp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server under test: started as a child process on loopback, measured through its pid. */
public interface IngestServer extends AutoCloseable {

    /** "kiln" or "nginx-rtmp". */
    String name();

    /** The process whose CPU and memory (with its children) are measured. */
    long pid();

    /** Where publishers connect; they publish to application {@code app}. */
    InetSocketAddress rtmpAddress();

    /** How many live streams whose name starts with {@code prefix} the server reports. */
    int liveStreams(String prefix) throws IOException, InterruptedException;

    @Override
    void close() throws IOException, InterruptedException;

    /** Counts the distinct matches of {@code <prefix>digits} in a server's answer. */
    static int countNames(String text, String prefix) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "\\d+").matcher(text);
        return (int) m.results().map(r -> r.group()).distinct().count();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code ready} every 200 ms until it holds; fails when the process dies or time is up. */
    static void await(String what, Process process, Duration limit, BooleanSupplier ready) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IOException(what + ": the process exited with " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(what + ": not within " + limit.toSeconds() + " s");
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    static void stop(Process process, Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
