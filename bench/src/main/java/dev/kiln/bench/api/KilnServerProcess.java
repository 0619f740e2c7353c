package dev.kiln.bench.api;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real distribution ({@code bin/kiln}) as a subprocess, with its own plugins: free ports, a
 * data folder of its own under {@code workDir}, output in {@code workDir/kiln.log}. Ready once
 * {@code GET /v1/vhosts} with the token answers 200; closing it sends SIGTERM.
 */
final class KilnServerProcess implements AutoCloseable {
    private static final Duration READY_LIMIT = Duration.ofSeconds(120);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    private final Process process;
    private final int apiPort;
    private final Path log;

    private KilnServerProcess(Process process, int apiPort, Path log) {
        this.process = process;
        this.apiPort = apiPort;
        this.log = log;
    }

    static KilnServerProcess start(Path home, Path workDir, String token, String jvmOpts)
            throws IOException, InterruptedException {
        Path script = home.resolve("bin/kiln");
        if (!Files.isExecutable(script)) {
            throw new IOException("No distribution at " + home + ": run `mvn -B -DskipTests package` first");
        }
        Path data = Files.createDirectories(workDir.resolve("data"));
        Path log = workDir.resolve("kiln.log");
        int[] ports = freePorts(4);
        ProcessBuilder pb = new ProcessBuilder(script.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KILN_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KILN_JAVA_OPTS", jvmOpts);
        env.put("KILN_API_PORT", Integer.toString(ports[0]));
        env.put("KILN_RTMP_PORT", Integer.toString(ports[1]));
        env.put("KILN_SRT_PORT", Integer.toString(ports[2]));
        env.put("KILN_HTTP_PORT", Integer.toString(ports[3]));
        env.put("KILN_DATA_DIR", data.toString());
        env.put("KILN_ACCESS_TOKEN", token);
        KilnServerProcess kiln = new KilnServerProcess(pb.start(), ports[0], log);
        try {
            kiln.awaitReady(token);
        } catch (IOException | RuntimeException | InterruptedException e) {
            kiln.process.destroyForcibly();
            throw e;
        }
        return kiln;
    }

    String hostPort() {
        return "127.0.0.1:" + apiPort;
    }

    /** The server's JVM (bin/kiln exec's it, so it is the started process itself). */
    ProcessHandle handle() {
        return process.toHandle();
    }

    Path log() {
        return log;
    }

    private void awaitReady(String token) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v1/vhosts"))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(token.getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (true) {
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Kiln not ready within " + READY_LIMIT.toSeconds() + " s; see " + log);
            }
            try {
                // Wait between probes, but wake up at once if the process dies.
                process.onExit().get(200, TimeUnit.MILLISECONDS);
                throw new IOException("Kiln exited with " + process.exitValue() + " before it was ready; see " + log);
            } catch (TimeoutException stillRunning) {
                // probe again
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: bin/kiln exec's the JVM
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Distinct ports, each free for TCP and UDP right now (SRT is UDP). */
    private static int[] freePorts(int count) throws IOException {
        Set<Integer> taken = new HashSet<>();
        int[] ports = new int[count];
        for (int i = 0; i < count; ) {
            int port;
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress("0.0.0.0", 0));
                port = tcp.getLocalPort();
            }
            try (DatagramSocket udp = new DatagramSocket(port)) {
                if (taken.add(port)) {
                    ports[i++] = port;
                }
            } catch (IOException busyForUdp) {
                // try another one
            }
        }
        return ports;
    }
}
