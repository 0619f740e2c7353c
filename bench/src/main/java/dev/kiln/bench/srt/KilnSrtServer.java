package dev.kiln.bench.srt;

import dev.kiln.bench.rtmp.IngestServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kiln distribution ({@code bin/kiln}) with the bundles matching a glob (the SRT listener
 * and the MPEG-TS demuxer), on free loopback ports; streams are counted through the REST API
 * and the SRT listener's per-connection too-late drops are read from its log.
 */
final class KilnSrtServer implements AutoCloseable {
    private static final String TOKEN = "kiln-access-token";
    private static final Pattern CLOSED = Pattern.compile(
            "SRT \\S+ (\\S+): connection closed: .*\\(dropped (\\d+) late packets");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Process process;
    private final Path log;
    private final int apiPort;
    private final int srtPort;

    private KilnSrtServer(Process process, Path log, int apiPort, int srtPort) {
        this.process = process;
        this.log = log;
        this.apiPort = apiPort;
        this.srtPort = srtPort;
    }

    static KilnSrtServer start(Path home, Path work, String jvmOpts, String pluginGlob) throws IOException {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        try (var jars = Files.newDirectoryStream(home.resolve("plugins"), pluginGlob)) {
            for (Path jar : jars) {
                Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        int api = IngestServer.freePort();
        int srt = freeUdpPort();
        Path log = work.resolve("kiln.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kiln").toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KILN_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KILN_JAVA_OPTS", jvmOpts);
        env.put("KILN_API_PORT", Integer.toString(api));
        env.put("KILN_SRT_PORT", Integer.toString(srt));
        env.put("KILN_RTMP_PORT", Integer.toString(IngestServer.freePort()));
        env.put("KILN_HTTP_PORT", Integer.toString(IngestServer.freePort()));
        env.put("KILN_BIND", "127.0.0.1");
        env.put("KILN_PLUGINS_DIR", plugins.toString());
        env.put("KILN_DATA_DIR", work.resolve("data").toString());
        KilnSrtServer kiln = new KilnSrtServer(pb.start(), log, api, srt);
        try {
            IngestServer.await("Kiln ready (see " + log + ")", kiln.process, Duration.ofSeconds(120),
                    () -> kiln.ready() && kiln.logContains("SRT ingest listening"));
        } catch (IOException e) {
            kiln.process.destroyForcibly();
            throw e;
        }
        return kiln;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    InetSocketAddress srtAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), srtPort);
    }

    private boolean ready() {
        try {
            return get("/v1/vhosts").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean logContains(String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Live streams of application {@code app} whose name is {@code prefix} + digits. */
    int liveStreams(String prefix) throws IOException, InterruptedException {
        return IngestServer.countNames(get("/v1/vhosts/default/apps/app/streams").body(), prefix);
    }

    /** The closed SRT connections of streams {@code prefix}N so far, and their too-late drops summed. */
    long[] closedConnections(String prefix) throws IOException {
        long count = 0;
        long dropped = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = CLOSED.matcher(line);
            if (m.find() && m.group(1).contains(prefix)) {
                count++;
                dropped += Long.parseLong(m.group(2));
            }
        }
        return new long[] {count, dropped};
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        TOKEN.getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30))
                .GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        IngestServer.stop(process, Duration.ofSeconds(15));
    }
}
