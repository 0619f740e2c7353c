package dev.kiln.bench.push;

import dev.kiln.bench.rtmp.IngestServer;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx with Debian's RTMP module on loopback, one worker, one live application {@code app}:
 * the receiver every push goes to, and the origin the ffmpeg relays pull from. {@code rtmp_stat}
 * on an HTTP port tells which streams are published and how many bytes each took in.
 */
final class NginxRelay implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern STREAM = Pattern.compile(
            "<stream>\\s*<name>([^<]*)</name>(.*?)</stream>", Pattern.DOTALL);
    private static final Pattern BYTES_IN = Pattern.compile("<bytes_in>(\\d+)</bytes_in>");

    private final Process process;
    private final int rtmpPort;
    private final int statPort;

    private NginxRelay(Process process, int rtmpPort, int statPort) {
        this.process = process;
        this.rtmpPort = rtmpPort;
        this.statPort = statPort;
    }

    static NginxRelay start(Path nginx, Path module, Path work) throws IOException {
        Files.createDirectories(work.resolve("logs"));
        Files.createDirectories(work.resolve("temp"));
        int rtmp = IngestServer.freePort();
        int stat = IngestServer.freePort();
        String conf = String.join("\n",
                "load_module " + module + ";",
                "daemon off;",
                "master_process on;",
                "worker_processes 1;",
                "pid " + work.resolve("nginx.pid") + ";",
                "error_log " + work.resolve("logs/error.log") + " warn;",
                "events { worker_connections 1024; }",
                "rtmp {",
                "  server {",
                "    listen 127.0.0.1:" + rtmp + ";",
                "    chunk_size 4096;",
                "    application app { live on; record off; }",
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
        NginxRelay relay = new NginxRelay(p, rtmp, stat);
        try {
            IngestServer.await("nginx-rtmp ready (see " + work.resolve("logs") + ")", p, Duration.ofSeconds(30),
                    () -> IngestServer.accepts(relay.rtmpAddress()));
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return relay;
    }

    long pid() {
        return process.pid();
    }

    InetSocketAddress rtmpAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), rtmpPort);
    }

    /** {@code rtmp://127.0.0.1:port/app}. */
    String appUrl() {
        return "rtmp://127.0.0.1:" + rtmpPort + "/app";
    }

    /** The published streams whose name matches {@code names} (a regex), and the bytes they took in so far. */
    Streams streams(String names) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statPort + "/stat"))
                .timeout(Duration.ofSeconds(30)).GET().build();
        String xml = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Pattern name = Pattern.compile(names);
        int count = 0;
        long bytes = 0;
        Matcher m = STREAM.matcher(xml);
        while (m.find()) {
            if (!name.matcher(m.group(1)).matches() || !m.group(2).contains("<publishing/>")) {
                continue;
            }
            count++;
            Matcher b = BYTES_IN.matcher(m.group(2));
            if (b.find()) {
                bytes += Long.parseLong(b.group(1));
            }
        }
        return new Streams(count, bytes);
    }

    /** Published streams and the bytes they took in. */
    record Streams(int count, long bytesIn) {}

    @Override
    public void close() throws InterruptedException {
        IngestServer.stop(process, Duration.ofSeconds(10));
    }
}
