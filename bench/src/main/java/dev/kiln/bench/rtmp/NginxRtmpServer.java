package dev.kiln.bench.rtmp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * nginx with the RTMP module (Debian {@code libnginx-mod-rtmp}) on loopback, from a generated
 * configuration: one live application {@code app}, no recording, and {@code rtmp_stat} on an
 * HTTP port to count the streams. Run in the foreground ({@code daemon off}); the measured pid
 * is the master, its workers are counted as its children.
 */
public final class NginxRtmpServer implements IngestServer {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int rtmpPort;
    private final int statPort;

    private NginxRtmpServer(Process process, int rtmpPort, int statPort) {
        this.process = process;
        this.rtmpPort = rtmpPort;
        this.statPort = statPort;
    }

    static NginxRtmpServer start(Path nginx, Path module, String workers, Path work) throws IOException {
        return start(nginx, module, workers, work, "record off;");
    }

    /**
     * As {@link #start(Path, Path, String, Path)}, with {@code appDirectives} in application
     * {@code app} after {@code live on;} (e.g. {@code record all; record_path …;}).
     */
    public static NginxRtmpServer start(Path nginx, Path module, String workers, Path work, String appDirectives)
            throws IOException {
        Files.createDirectories(work.resolve("logs"));
        Files.createDirectories(work.resolve("temp"));
        int rtmp = IngestServer.freePort();
        int stat = IngestServer.freePort();
        String conf = String.join("\n",
                "load_module " + module + ";",
                "daemon off;",
                "master_process on;",
                "worker_processes " + workers + ";",
                "pid " + work.resolve("nginx.pid") + ";",
                "error_log " + work.resolve("logs/error.log") + " warn;",
                "events { worker_connections 4096; }",
                "rtmp {",
                "  server {",
                "    listen 127.0.0.1:" + rtmp + ";",
                "    chunk_size 4096;",
                "    application app { live on; " + appDirectives + " }",
                "  }",
                "}",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + work.resolve("temp/body") + ";",
                "  proxy_temp_path " + work.resolve("temp/proxy") + ";",
                "  fastcgi_temp_path " + work.resolve("temp/fastcgi") + ";",
                "  uwsgi_temp_path " + work.resolve("temp/uwsgi") + ";",
                "  scgi_temp_path " + work.resolve("temp/scgi") + ";",
                "  server {",
                "    listen 127.0.0.1:" + stat + ";",
                "    location /stat { rtmp_stat all; }",
                "  }",
                "}",
                "");
        Path confFile = work.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(nginx.toString(), "-p", work.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("logs/stdout.log").toFile())
                .start();
        NginxRtmpServer server = new NginxRtmpServer(p, rtmp, stat);
        try {
            IngestServer.await("nginx-rtmp ready (see " + work.resolve("logs") + ")", p, Duration.ofSeconds(30),
                    () -> IngestServer.accepts(server.rtmpAddress()));
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return server;
    }

    @Override
    public String name() {
        return "nginx-rtmp";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public InetSocketAddress rtmpAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), rtmpPort);
    }

    @Override
    public int liveStreams(String prefix) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statPort + "/stat"))
                .timeout(Duration.ofSeconds(30)).GET().build();
        String xml = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return IngestServer.countNames(xml, "<name>" + prefix);
    }

    @Override
    public void close() throws InterruptedException {
        IngestServer.stop(process, Duration.ofSeconds(10));
    }
}
