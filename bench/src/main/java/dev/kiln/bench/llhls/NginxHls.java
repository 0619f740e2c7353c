package dev.kiln.bench.llhls;

import dev.kiln.bench.rtmp.IngestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's nginx on loopback serving an HLS folder as static files under
 * {@code /app/bench/}, from a generated configuration: {@code worker_processes} as given
 * ({@code auto}: one per core, as Kiln has one event loop per core), sendfile, keep-alive, no
 * access log, the HLS content types. Runs in the foreground; the measured pid is the master,
 * its workers are counted as its children.
 */
final class NginxHls implements AutoCloseable {
    private final Process process;
    private final int port;

    private NginxHls(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static NginxHls start(Path nginx, String workers, Path hlsDir, Path work) throws IOException {
        Files.createDirectories(work.resolve("logs"));
        Files.createDirectories(work.resolve("temp"));
        int port = IngestServer.freePort();
        String conf = String.join("\n",
                "daemon off;",
                "master_process on;",
                "worker_processes " + workers + ";",
                "worker_rlimit_nofile 65536;",
                "pid " + work.resolve("nginx.pid") + ";",
                "error_log " + work.resolve("logs/error.log") + " warn;",
                "events { worker_connections 16384; }",
                "http {",
                "  access_log off;",
                "  sendfile on;",
                "  tcp_nopush on;",
                "  tcp_nodelay on;",
                "  keepalive_timeout 65;",
                "  keepalive_requests 1000000;",
                "  types { application/vnd.apple.mpegurl m3u8; video/mp4 mp4 m4s; }",
                "  client_body_temp_path " + work.resolve("temp/body") + ";",
                "  proxy_temp_path " + work.resolve("temp/proxy") + ";",
                "  fastcgi_temp_path " + work.resolve("temp/fastcgi") + ";",
                "  uwsgi_temp_path " + work.resolve("temp/uwsgi") + ";",
                "  scgi_temp_path " + work.resolve("temp/scgi") + ";",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    location /app/bench/ {",
                "      alias " + hlsDir + "/;",
                "      add_header Cache-Control no-cache;",
                "      add_header Access-Control-Allow-Origin *;",
                "    }",
                "  }",
                "}",
                "");
        Path confFile = work.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(nginx.toString(), "-p", work.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("logs/stdout.log").toFile())
                .start();
        NginxHls server = new NginxHls(p, port);
        try {
            IngestServer.await("nginx listening (see " + work.resolve("logs") + ")", p, Duration.ofSeconds(20),
                    () -> IngestServer.accepts(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return server;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        IngestServer.stop(process, Duration.ofSeconds(5));
    }
}
