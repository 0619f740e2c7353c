package dev.kiln.bench.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link BareServer} in a JVM of its own, on this harness's classpath and with the same JVM
 * options as Kiln. Closing its stdin stops it.
 */
final class BareServerProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private BareServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static BareServerProcess start(String jvmOpts, Path log, String path, String contentType, Path restBody,
                                   Path application) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String opt : jvmOpts.trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                command.add(opt);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareServer.class.getName(),
                path, contentType, restBody.toString(), application.toString()));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        try {
            return new BareServerProcess(process, readPort(process, log));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Waits, with a deadline, for the {@code PORT <n>} line. */
    private static int readPort(Process process, Path log) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            String first = line.get(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null || !first.startsWith(BareServer.PORT_LINE)) {
                throw new IOException("Bare server did not start (first line: " + first + "); see " + log);
            }
            return Integer.parseInt(first.substring(BareServer.PORT_LINE.length()).trim());
        } catch (TimeoutException e) {
            throw new IOException("Bare server did not report its port within " + START_LIMIT.toSeconds()
                    + " s; see " + log, e);
        } catch (ExecutionException e) {
            throw new IOException("Reading the bare server's port failed; see " + log, e.getCause());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
