package dev.kiln.bench.rtmp;

import java.io.IOException;
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

/**
 * The Kiln distribution ({@code bin/kiln}) with its RTMP bundle, on free loopback ports, with
 * its own data and plugins folders; streams are counted through the REST API.
 */
public final class KilnIngestServer implements IngestServer {
    private static final String TOKEN = "kiln-access-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final int apiPort;
    private final int rtmpPort;
    private final int httpPort;

    private KilnIngestServer(Process process, int apiPort, int rtmpPort, int httpPort) {
        this.process = process;
        this.apiPort = apiPort;
        this.rtmpPort = rtmpPort;
        this.httpPort = httpPort;
    }

    /** Starts Kiln with every bundle of the distribution's plugins folder. */
    public static KilnIngestServer start(Path home, Path work, String jvmOpts) throws IOException {
        return start(home, work, jvmOpts, "*.jar");
    }

    /**
     * Starts Kiln with the bundles of the distribution's plugins folder that match
     * {@code pluginGlob} (e.g. {@code kiln-{rtmp-protocol,ingest-rtmp}-*.jar}: RTMP ingest alone, no transcoding).
     */
    public static KilnIngestServer start(Path home, Path work, String jvmOpts, String pluginGlob) throws IOException {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        try (var jars = Files.newDirectoryStream(home.resolve("plugins"), pluginGlob)) {
            for (Path jar : jars) {
                Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        int api = IngestServer.freePort();
        int rtmp = IngestServer.freePort();
        int http = IngestServer.freePort();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kiln").toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("kiln.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KILN_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KILN_JAVA_OPTS", jvmOpts);
        env.put("KILN_API_PORT", Integer.toString(api));
        env.put("KILN_RTMP_PORT", Integer.toString(rtmp));
        env.put("KILN_SRT_PORT", Integer.toString(IngestServer.freePort()));
        env.put("KILN_HTTP_PORT", Integer.toString(http));
        env.put("KILN_BIND", "127.0.0.1");
        env.put("KILN_PLUGINS_DIR", plugins.toString());
        env.put("KILN_DATA_DIR", work.resolve("data").toString());
        KilnIngestServer kiln = new KilnIngestServer(pb.start(), api, rtmp, http);
        try {
            IngestServer.await("Kiln ready (see " + work.resolve("kiln.log") + ")", kiln.process,
                    Duration.ofSeconds(120), () -> kiln.ready() && IngestServer.accepts(kiln.rtmpAddress()));
        } catch (IOException e) {
            kiln.process.destroyForcibly();
            throw e;
        }
        return kiln;
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

    /** POSTs a JSON body to the REST API (with the access token); for benchmarks that drive Kiln's control API. */
    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        TOKEN.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** GETs a REST path (with the access token). */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        TOKEN.getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30))
                .GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public String name() {
        return "kiln";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** The HTTP playback port (KILN_HTTP_PORT: LL-HLS), on loopback. */
    public int httpPort() {
        return httpPort;
    }

    @Override
    public InetSocketAddress rtmpAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), rtmpPort);
    }

    @Override
    public int liveStreams(String prefix) throws IOException, InterruptedException {
        return IngestServer.countNames(get("/v1/vhosts/default/apps/app/streams").body(), prefix);
    }

    @Override
    public void close() throws InterruptedException {
        IngestServer.stop(process, Duration.ofSeconds(15));
    }
}
