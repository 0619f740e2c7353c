package dev.kiln.dist;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The URLs of Kiln's playback port that the player page uses, served from files, so the page
 * and the DevTools driver can be tested without the LL-HLS publisher: {@code /} is the page's
 * {@code index.html} from the source tree, {@code /player/hls.min.js} the hls.js of the
 * Maven Central webjar the publisher serves, {@code /player/{file}} the page's other files,
 * {@code /streams} lists one stream, and {@code /{app}/{stream}/{file}} serves the HLS folder
 * an ffmpeg writes ({@code llhls.m3u8} and its segments).
 */
final class StandInPlaybackServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    private StandInPlaybackServer(HttpServer server) {
        this.server = server;
    }

    /** The player page's source folder ({@code plugins/publisher-llhls/src/main/resources/player}). */
    static Path playerDir() {
        return Paths.get(System.getProperty("kiln.it.playerDir",
                "../plugins/publisher-llhls/src/main/resources/player")).toAbsolutePath().normalize();
    }

    static String hlsJsResource() {
        return "META-INF/resources/webjars/hls.js/" + System.getProperty("kiln.it.hlsjsVersion", "1.4.12")
                + "/dist/hls.min.js";
    }

    /** Serves the page and {@code hlsDir} as the playlist folder of {@code app/stream} on a free loopback port. */
    static StandInPlaybackServer start(String app, String stream, Path hlsDir) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            StandInPlaybackServer standIn = new StandInPlaybackServer(server);
            String streamPrefix = "/" + app + "/" + stream + "/";
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getPath();
                    if (path.equals("/")) {
                        sendFile(exchange, playerDir().resolve("index.html"));
                    } else if (path.equals("/player/hls.min.js")) {
                        sendResource(exchange, hlsJsResource());
                    } else if (path.startsWith("/player/")) {
                        sendFile(exchange, inside(playerDir(), path.substring("/player/".length())));
                    } else if (path.equals("/streams")) {
                        send(exchange, 200, "application/json", ("{\"streams\":[{\"vhost\":\"default\",\"app\":\"" + app
                                + "\",\"stream\":\"" + stream + "\",\"playlist\":\"" + streamPrefix + "llhls.m3u8\"}]}")
                                .getBytes(StandardCharsets.UTF_8));
                    } else if (path.startsWith(streamPrefix)) {
                        sendFile(exchange, inside(hlsDir, path.substring(streamPrefix.length())));
                    } else {
                        send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                    }
                }
            });
            server.setExecutor(standIn.executor);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** {@code name} inside {@code dir}, or null for a name that leaves it. */
    private static Path inside(Path dir, String name) {
        Path file = dir.resolve(name).normalize();
        return file.startsWith(dir) && !name.isEmpty() ? file : null;
    }

    private static void sendFile(HttpExchange exchange, Path file) throws IOException {
        byte[] body;
        try {
            body = file == null ? null : Files.readAllBytes(file);
        } catch (IOException e) {
            body = null; // missing, or replaced by ffmpeg just now
        }
        if (body == null) {
            send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        } else {
            send(exchange, 200, contentType(file.getFileName().toString()), body);
        }
    }

    private static void sendResource(HttpExchange exchange, String resource) throws IOException {
        try (InputStream in = StandInPlaybackServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No " + resource + " on the test classpath (the hls.js webjar)");
            }
            send(exchange, 200, "text/javascript", in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".m3u8")) {
            return "application/vnd.apple.mpegurl";
        } else if (name.endsWith(".mp4") || name.endsWith(".m4s")) {
            return "video/mp4";
        } else if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript";
        } else if (name.endsWith(".css")) {
            return "text/css";
        }
        return "application/octet-stream";
    }
}
