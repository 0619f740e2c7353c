package dev.kiln.bench.llhls;

import dev.kiln.bench.rtmp.KilnIngestServer;
import dev.kiln.bench.rtmp.ProcessStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * LL-HLS viewer load on one ~3 Mbit/s live stream: for each level, that many {@link Viewer}s
 * in this JVM against Kiln's LL-HLS publisher (blocking reloads and parts) and, in the same run,
 * against nginx serving the same kind of stream as ffmpeg's fMP4 HLS files (polling and
 * segments). Prints the server's CPU, the delivery delay of the media (advertised to last byte)
 * at p50/p99, and what went out. See bench/README.md, section "llhls".
 */
public final class LlhlsBench {
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private LlhlsBench() {
    }

    public static void main(String[] args) throws Exception {
        LlhlsBenchOptions options;
        try {
            options = LlhlsBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(options.work());
        List<StepResult> results = new ArrayList<>();
        for (String server : options.servers()) {
            results.addAll(server.equals("kiln") ? kiln(options) : nginx(options));
        }
        System.out.println();
        LlhlsTable.print(System.out, results);
    }

    private static List<StepResult> kiln(LlhlsBenchOptions o) throws Exception {
        Path work = Files.createDirectories(o.work().resolve("kiln-" + stamp()));
        say("kiln: starting " + o.kilnHome() + " with " + o.kilnPlugins() + " (logs in " + work + ")");
        try (KilnIngestServer kiln = KilnIngestServer.start(o.kilnHome(), work, o.kilnJvmOpts(), o.kilnPlugins())) {
            String rtmp = "rtmp://127.0.0.1:" + kiln.rtmpAddress().getPort() + "/app/bench";
            Process ffmpeg = Source.rtmp(rtmp, o.videoBitrate(), work.resolve("ffmpeg.log"));
            try {
                String hostPort = "127.0.0.1:" + kiln.httpPort();
                awaitPlaylist("http://" + hostPort + o.kilnPlaylist(), ffmpeg, work.resolve("ffmpeg.log"));
                return steps(o, "kiln", Viewer.Mode.LOW_LATENCY, hostPort, o.kilnPlaylist(), kiln.pid(), null);
            } finally {
                stop(ffmpeg);
            }
        }
    }

    private static List<StepResult> nginx(LlhlsBenchOptions o) throws Exception {
        Path work = Files.createDirectories(o.work().resolve("nginx-" + stamp()));
        Path hls = Files.createDirectories(work.resolve("hls"));
        say("nginx: ffmpeg writes fMP4 HLS to " + hls + "; nginx serves it (logs in " + work + ")");
        Process ffmpeg = Source.hls(hls, o.videoBitrate(), work.resolve("ffmpeg.log"));
        try (NginxHls nginx = NginxHls.start(o.nginx(), o.nginxWorkers(), hls, work)) {
            String hostPort = "127.0.0.1:" + nginx.port();
            String playlist = "/app/bench/index.m3u8";
            awaitPlaylist("http://" + hostPort + playlist, ffmpeg, work.resolve("ffmpeg.log"));
            return steps(o, "nginx", Viewer.Mode.POLLING, hostPort, playlist, nginx.pid(), hls.resolve("index.m3u8"));
        } finally {
            stop(ffmpeg);
        }
    }

    private static List<StepResult> steps(LlhlsBenchOptions o, String server, Viewer.Mode mode, String hostPort,
                                          String playlist, long serverPid, Path playlistOnDisk) throws Exception {
        long idleNanos = Math.min(o.duration().toNanos(), Duration.ofSeconds(10).toNanos());
        say(server + ": idle CPU over " + idleNanos / 1_000_000_000 + " s");
        double cpu0 = ProcessStats.cpuSeconds(serverPid);
        long t0 = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(idleNanos); // the measured idle window
        double idlePct = (ProcessStats.cpuSeconds(serverPid) - cpu0) / ((System.nanoTime() - t0) / 1e9) * 100;

        List<StepResult> results = new ArrayList<>();
        for (int level : o.levels()) {
            results.add(step(o, server, mode, hostPort, playlist, serverPid, playlistOnDisk, level, idlePct));
            StepResult r = results.get(results.size() - 1);
            say(String.format("%s, %d viewers: server CPU %.1f%%, p99 %.1f ms, %.1f Mbit/s, %d errors, %d behind",
                    server, level, r.serverCpuPct(), r.window().p99Ms(), r.mbitPerSecond(), r.window().errors(),
                    r.behind()));
        }
        return results;
    }

    private static StepResult step(LlhlsBenchOptions o, String server, Viewer.Mode mode, String hostPort,
                                   String playlist, long serverPid, Path playlistOnDisk, int level, double idlePct)
            throws Exception {
        Delivery delivery = new Delivery();
        long self = ProcessHandle.current().pid();
        try (HlsHttp http = new HlsHttp(hostPort, o.clientLoops());
             DiskWatcher watcher = playlistOnDisk == null ? null : new DiskWatcher(playlistOnDisk, playlist, delivery)) {
            List<Viewer> viewers = new ArrayList<>();
            long rampMillis = o.ramp().toMillis();
            for (int i = 0; i < level; i++) {
                Viewer viewer = new Viewer(http, delivery, playlist, mode);
                viewers.add(viewer);
                http.later(rampMillis * i / level, viewer::start);
            }
            say(server + ": " + level + " viewers starting over " + o.ramp().toSeconds() + " s, then "
                    + o.warmup().toSeconds() + " s warm-up and a " + o.duration().toSeconds() + " s window");
            TimeUnit.MILLISECONDS.sleep(rampMillis + o.warmup().toMillis()); // ramp-up and warm-up

            viewers.forEach(Viewer::resetWindow);
            double serverCpu0 = ProcessStats.cpuSeconds(serverPid);
            double selfCpu0 = ProcessStats.cpuSeconds(self);
            long t0 = System.nanoTime();
            delivery.startWindow();
            TimeUnit.MILLISECONDS.sleep(o.duration().toMillis()); // the measured window
            Delivery.Window window = delivery.endWindow();
            String load = loadAverage();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double serverPct = (ProcessStats.cpuSeconds(serverPid) - serverCpu0) / seconds * 100;
            double selfPct = (ProcessStats.cpuSeconds(self) - selfCpu0) / seconds * 100;
            delivery.stop();

            long[] bytes = viewers.stream().mapToLong(Viewer::windowBytes).sorted().toArray();
            long median = bytes[bytes.length / 2];
            int behind = (int) Arrays.stream(bytes).filter(b -> b < median / 2).count();
            return new StepResult(server, mode == Viewer.Mode.LOW_LATENCY ? "LL-HLS" : "HLS", level, seconds,
                    serverPct, idlePct, selfPct, window, behind, window.lastError(), load);
        } finally {
            TimeUnit.SECONDS.sleep(3); // let the connections close before the next step's baseline
        }
    }

    /** Waits until the playlist answers 200 and lists at least three segments or parts. */
    private static void awaitPlaylist(String url, Process ffmpeg, Path ffmpegLog) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        String last = "no answer";
        while (true) {
            try {
                HttpResponse<String> r = PROBE.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = "HTTP " + r.statusCode();
                if (r.statusCode() == 200) {
                    String text = r.body();
                    String mediaUrl = url;
                    if (MediaPlaylist.isMultivariant(text)) {
                        mediaUrl = url.substring(0, url.indexOf('/', "http://".length()))
                                + HlsHttp.resolve(URI.create(url).getPath(), MediaPlaylist.firstVariant(text));
                        text = PROBE.send(HttpRequest.newBuilder(URI.create(mediaUrl)).timeout(Duration.ofSeconds(5))
                                .build(), HttpResponse.BodyHandlers.ofString()).body();
                    }
                    MediaPlaylist media = MediaPlaylist.parse(text);
                    last = mediaUrl + ": " + media.segments().size() + " segments, " + media.parts().size() + " parts";
                    if (media.segments().size() + media.parts().size() >= 3) {
                        say("playlist ready: " + last);
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                last = e.toString();
            }
            if (!ffmpeg.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("No playable " + url + " within " + START_LIMIT.toSeconds() + " s (last: " + last
                        + "); ffmpeg " + (ffmpeg.isAlive() ? "running" : "exited") + ":\n"
                        + Files.readString(ffmpegLog, StandardCharsets.UTF_8));
            }
            TimeUnit.MILLISECONDS.sleep(500); // poll interval of a loop with a deadline
        }
    }

    /** The machine's 1-minute load average at the end of the window (other work shows there). */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void stop(Process ffmpeg) throws InterruptedException {
        ffmpeg.destroyForcibly();
        ffmpeg.waitFor(10, TimeUnit.SECONDS);
    }

    private static String stamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));
    }

    private static void say(String line) {
        System.err.println("[llhls] " + line);
    }
}
