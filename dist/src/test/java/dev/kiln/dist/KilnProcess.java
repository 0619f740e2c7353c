package dev.kiln.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The real distribution ({@code dist/target/kiln/bin/kiln}) started as a subprocess on free
 * ports, with its own data and plugins folders under {@code target/it-work/}. Its output goes
 * to {@code kiln.log} in that folder; failures quote the last lines of it.
 * {@link #close()} stops it with SIGTERM and fails when it takes more than 5 s to exit.
 */
public final class KilnProcess implements AutoCloseable {
    /** The access token the distribution ships with. */
    public static final String DEFAULT_TOKEN = "kiln-access-token";
    /** How long the server may take to exit after SIGTERM (CONTRACT: a clean stop). */
    public static final Duration STOP_LIMIT = Duration.ofSeconds(5);

    private static final int TAIL_LINES = 60;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final List<KilnProcess> STARTED = new CopyOnWriteArrayList<>();
    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private final String name;
    private final Path workDir;
    private final Path dataDir;
    private final Path pluginsDir;
    private final Path logFile;
    private final int apiPort;
    private final int rtmpPort;
    private final int srtPort;
    private final int httpPort;
    private final String token;
    private final Process process;
    private Duration stopTime;

    private KilnProcess(Builder b, Path workDir, Path dataDir, Path pluginsDir, int[] ports, String token,
                        Process process) {
        this.name = b.name;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.pluginsDir = pluginsDir;
        this.logFile = workDir.resolve("kiln.log");
        this.apiPort = ports[0];
        this.rtmpPort = ports[1];
        this.srtPort = ports[2];
        this.httpPort = ports[3];
        this.token = token;
        this.process = process;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The distribution folder the ITs start ({@code dist/target/kiln}). */
    public static Path home() {
        Path home = Paths.get(System.getProperty("kiln.it.home", "target/kiln")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/kiln"))) {
            throw new IllegalStateException("No distribution at " + home
                    + ": run `mvn -B -DskipTests package` first (failsafe runs after package)");
        }
        return home;
    }

    /** Processes started so far in this JVM, oldest first (for log dumps on failure). */
    static List<KilnProcess> started() {
        return List.copyOf(STARTED);
    }

    public KilnApi api() {
        return KilnApi.withToken(URI.create("http://127.0.0.1:" + apiPort), token);
    }

    public int apiPort() {
        return apiPort;
    }

    public int rtmpPort() {
        return rtmpPort;
    }

    public int srtPort() {
        return srtPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String token() {
        return token;
    }

    public Path workDir() {
        return workDir;
    }

    /** The data folder: KILN_DATA_DIR, or {@code <workDir>/data} (the default ./data) when not set. */
    public Path dataDir() {
        return dataDir;
    }

    public Path pluginsDir() {
        return pluginsDir;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The server JVM's process id (bin/kiln exec's the JVM). */
    public long pid() {
        return process.pid();
    }

    /** How long the last {@link #stop()} took, or null when it was not stopped by this harness. */
    public Duration stopTime() {
        return stopTime;
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> logLines() {
        return log().lines().toList();
    }

    /** Lines of the log in conf/logback.xml's pattern: {@code HH:mm:ss.SSS LEVEL [thread] logger - msg}. */
    public List<String> logEvents() {
        return logLines().stream()
                .filter(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ +\\[.*?\\] \\S+ - .*"))
                .toList();
    }

    /** "name (pid, ports): last lines of the log", for failure messages. */
    public String describe() {
        List<String> lines = logLines();
        List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "Kiln process '" + name + "' (pid " + process.pid() + ", api " + apiPort + ", "
                + (process.isAlive() ? "running" : "exit code " + process.exitValue()) + ")"
                + "\n--- last " + tail.size() + " of " + lines.size() + " log lines of " + logFile + " ---\n"
                + String.join("\n", tail) + "\n--- end of log ---";
    }

    /** Waits for the process to end on its own; fails (and kills it) after {@code limit}. */
    public int awaitExit(Duration limit) {
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        }
        kill();
        throw new AssertionError("Kiln did not exit within " + limit.toSeconds() + " s\n" + describe());
    }

    /** Sends SIGTERM and asserts that the process exits within {@link #STOP_LIMIT}. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        process.destroy(); // SIGTERM: bin/kiln exec's the JVM, so the JVM gets it directly
        boolean exited;
        try {
            exited = process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        stopTime = Duration.ofNanos(System.nanoTime() - t0);
        if (!exited) {
            kill();
            throw new AssertionError("Kiln did not exit within " + STOP_LIMIT.toSeconds()
                    + " s of SIGTERM\n" + describe());
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Reported by the caller's failure; nothing more to do with a process that will not die.
        }
    }

    private boolean answersReadiness() {
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/vhosts"))
                .header("Authorization", basic(token))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        try {
            return PROBE.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Polls {@code probe} until {@code done} accepts its value, and returns that value. Fails
     * when {@code limit} passes first or when the server exits meanwhile, quoting the last value
     * and the log.
     */
    public <T> T await(String what, Duration limit, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            T last = probe.get();
            if (done.test(last)) {
                return last;
            }
            if (!process.isAlive()) {
                throw new AssertionError("Kiln exited while waiting for " + what + "; last seen: " + last
                        + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No " + what + " within " + limit.toSeconds() + " s; last seen: " + last
                        + "\n" + describe());
            }
            idle(POLL_INTERVAL);
        }
    }

    /** Waits up to {@code time} between two polls, returning at once when the process exits. */
    private void idle(Duration time) {
        try {
            process.onExit().get(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still running: the caller polls again
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kiln", e);
        }
    }

    static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** Four distinct ports, each free for TCP and UDP on all addresses right now. */
    private static int[] freePorts(int count) throws IOException {
        Set<Integer> taken = new HashSet<>();
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            int port;
            do {
                port = freePort();
            } while (!taken.add(port));
            ports[i] = port;
        }
        return ports;
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
                port = tcp.getLocalPort();
            }
            try (DatagramSocket udp = new DatagramSocket(port)) {
                return udp.getLocalPort();
            } catch (IOException busyForUdp) {
                // try another one
            }
        }
        throw new IOException("No free TCP+UDP port found");
    }

    /** Options of one server process. */
    public static final class Builder {
        private String name = "kiln";
        private String serverYaml;
        private Path dataDir;
        private boolean defaultDataDir;
        private boolean viaSymlink;
        private Path pluginsDir;
        private final Map<String, String> env = new LinkedHashMap<>();
        // Netty's leak sampling back on (the launcher turns it off): a leak shows in the test logs.
        private String javaOpts = "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dio.netty.leakDetection.level=simple";
        private String distributionPlugins;
        private Duration readyLimit = Duration.ofSeconds(
                Long.getLong("kiln.it.readySeconds", 90));

        private Builder() {
        }

        /** Names the work folder and the process in failure messages. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Starts with this configuration file (KILN_CONFIG) instead of the distribution's. */
        public Builder serverYaml(String yaml) {
            this.serverYaml = yaml;
            return this;
        }

        /** Uses this data folder (KILN_DATA_DIR), e.g. the one of an earlier process. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Leaves KILN_DATA_DIR unset, so the default ./data under the working folder is used. */
        public Builder defaultDataDir() {
            this.defaultDataDir = true;
            return this;
        }

        /** Starts bin/kiln through a symbolic link in the work folder (KILN_HOME must still resolve). */
        public Builder viaSymlink() {
            this.viaSymlink = true;
            return this;
        }

        /** Watches this plugins folder (KILN_PLUGINS_DIR). */
        public Builder pluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        /** Sets an environment variable of the process (overrides the harness's own choices). */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Adds a JVM option to the harness's KILN_JAVA_OPTS (e.g. a system property). */
        public Builder javaOption(String option) {
            this.javaOpts = javaOpts + " " + option;
            return this;
        }

        /** Starts with the distribution's bundles ({@code <dist>/plugins/*.jar}) copied into its plugins folder. */
        public Builder distributionPlugins() {
            return distributionPlugins("*.jar");
        }

        /** Starts with the distribution's bundles that match {@code glob} (e.g. {@code kiln-ingest-rtmp-*.jar}). */
        public Builder distributionPlugins(String glob) {
            this.distributionPlugins = glob;
            return this;
        }

        public Builder readyLimit(Duration limit) {
            this.readyLimit = limit;
            return this;
        }

        /** Starts the server and waits until {@code GET /v1/vhosts} answers 200. */
        public KilnProcess start() {
            KilnProcess kiln = launch();
            try {
                kiln.await("readiness (GET /v1/vhosts -> 200)", readyLimit, kiln::answersReadiness, ready -> ready);
            } catch (RuntimeException | Error e) {
                kiln.kill();
                throw e;
            }
            return kiln;
        }

        /** Starts the process without waiting for readiness (for start-up failures). */
        public KilnProcess launch() {
            try {
                Path home = home();
                Path root = Paths.get(System.getProperty("kiln.it.work", "target/it-work")).toAbsolutePath();
                Files.createDirectories(root);
                Path work = Files.createTempDirectory(root, name + "-");
                Path data = defaultDataDir ? work.resolve("data") : dataDir != null ? dataDir : work.resolve("data");
                Path plugins = pluginsDir != null ? pluginsDir : work.resolve("plugins");
                Files.createDirectories(plugins);
                if (distributionPlugins != null) {
                    copyJars(home.resolve("plugins"), distributionPlugins, plugins);
                }
                int[] ports = freePorts(4);

                Path script = home.resolve("bin/kiln");
                if (viaSymlink) {
                    script = Files.createSymbolicLink(work.resolve("kiln-link"), script);
                }
                ProcessBuilder pb = new ProcessBuilder(script.toString())
                        .directory(work.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(work.resolve("kiln.log").toFile());
                Map<String, String> e = pb.environment();
                e.keySet().removeIf(k -> k.startsWith("KILN_"));
                e.put("JAVA_HOME", System.getProperty("java.home"));
                e.put("KILN_JAVA_OPTS", javaOpts);
                e.put("KILN_API_PORT", Integer.toString(ports[0]));
                e.put("KILN_RTMP_PORT", Integer.toString(ports[1]));
                e.put("KILN_SRT_PORT", Integer.toString(ports[2]));
                e.put("KILN_HTTP_PORT", Integer.toString(ports[3]));
                e.put("KILN_PLUGINS_DIR", plugins.toString());
                if (!defaultDataDir) {
                    e.put("KILN_DATA_DIR", data.toString());
                }
                if (serverYaml != null) {
                    Path config = work.resolve("server.yaml");
                    Files.writeString(config, serverYaml, StandardCharsets.UTF_8);
                    e.put("KILN_CONFIG", config.toString());
                }
                e.putAll(env);
                String token = e.getOrDefault("KILN_ACCESS_TOKEN", DEFAULT_TOKEN);

                KilnProcess kiln = new KilnProcess(this, work, data, plugins, ports, token, pb.start());
                STARTED.add(kiln);
                return kiln;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start " + name, e);
            }
        }
    }

    private static void copyJars(Path from, String glob, Path to) throws IOException {
        try (var jars = Files.newDirectoryStream(from, glob)) {
            for (Path jar : jars) {
                Files.copy(jar, to.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Override
    public String toString() {
        return "KilnProcess[" + name + ", api=" + apiPort + ", work=" + workDir + "]";
    }
}
