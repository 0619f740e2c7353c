package dev.kiln.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} started headless by a test, with a fresh profile in a temporary
 * folder and the DevTools protocol on a loopback port it picks itself (read back from the
 * profile's {@code DevToolsActivePort}). {@link #page()} is a {@link CdpSession} on its first
 * tab. {@link #close()} kills the browser and every process it started, and removes the
 * profile. Its output goes to {@code chromium.log} in the given folder.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final Path log;
    private final CdpSession page;

    private HeadlessChromium(Process process, Path profile, Path log, CdpSession page) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.page = page;
    }

    /** The browser executable; fails naming the Debian package when there is none. */
    static Path executable() {
        String configured = System.getProperty("kiln.it.chromium");
        if (configured != null) {
            return Path.of(configured);
        }
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new IllegalStateException("No Chromium at " + CANDIDATES + ": install the Debian package "
                        + "(apt-get install -y chromium; ./kiln test does it when run as root)"));
    }

    /** Starts the browser on {@code about:blank} and connects to its tab. */
    static HeadlessChromium start(Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
            Path log = workDir.resolve("chromium.log");
            Process process = new ProcessBuilder(
                    executable().toString(),
                    "--headless=new",
                    "--no-sandbox",
                    "--autoplay-policy=no-user-gesture-required",
                    "--mute-audio",
                    "--user-data-dir=" + profile,
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,800",
                    "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try {
                int port = await("the DevTools port in " + profile.resolve("DevToolsActivePort"), process, log,
                        () -> devToolsPort(profile), p -> p > 0);
                URI target = await("a page target on DevTools port " + port, process, log,
                        () -> pageTarget(port), t -> t != null);
                return new HeadlessChromium(process, profile, log, CdpSession.connect(target));
            } catch (RuntimeException | Error e) {
                kill(process);
                deleteTree(profile);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Chromium", e);
        }
    }

    CdpSession page() {
        return page;
    }

    /** What the browser printed so far. */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The page's log and the browser's output (last 40 lines), for failure messages. */
    String describe() {
        List<String> lines = output().lines().toList();
        return "--- page log ---\n" + String.join("\n", page.pageLog())
                + "\n--- last lines of " + log + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() {
        try {
            page.close();
        } finally {
            kill(process);
            deleteTree(profile);
        }
    }

    private static int devToolsPort(Path profile) {
        try {
            Path file = profile.resolve("DevToolsActivePort");
            if (!Files.exists(file)) {
                return -1;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() || lines.get(0).isBlank() ? -1 : Integer.parseInt(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1; // being written: read it again
        }
    }

    private static URI pageTarget(int port) {
        try {
            HttpResponse<String> list = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (list.statusCode() != 200) {
                return null;
            }
            for (JsonNode target : JSON.readTree(list.body())) {
                if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
                    return URI.create(target.get("webSocketDebuggerUrl").asText());
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(String what, Process process, Path log, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            String why = !process.isAlive() ? "Chromium exited (code " + process.exitValue() + ")"
                    : System.nanoTime() > deadline ? "no " + what + " within " + START_LIMIT.toSeconds() + " s"
                    : null;
            if (why != null) {
                String output;
                try {
                    output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
                } catch (IOException e) {
                    output = "(unreadable: " + e + ")";
                }
                throw new IllegalStateException(why + " while waiting for " + what + "; its output:\n" + output);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void kill(Process process) {
        // The browser's zygote, renderer and GPU processes first, then the browser itself.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a child that will not die within 10 s after SIGKILL: nothing more to do
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover profile under target/ is harmless
        }
    }
}
