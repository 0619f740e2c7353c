package dev.kiln.bench.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.bench.rtmp.KilnIngestServer;
import dev.kiln.bench.rtmp.ProcessStats;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * bench/transcode: an ABR ladder (720p/480p/360p x264 + AAC) from a 1080p30 source, Kiln's
 * codec bundle vs the bundled ffmpeg doing the same ladder in one process, in the same run;
 * then how many 720p→360p streams Kiln keeps up with in real time. See bench/README.md.
 *
 * <p>Options ({@code --name=value}): {@code --kiln-home} (the distribution), {@code --warmup}
 * (default 20s), {@code --duration} (measured window, 40s), {@code --preset} (veryfast),
 * {@code --levels} (streams tried for the real-time count, 1,2,3,4,6), {@code --cases}
 * (ladder,realtime), {@code --readrate} (source seconds sent per second, 1: above 1 both sides
 * are offered more than real time, and the frame rates measure what each can sustain).
 */
public final class TranscodeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A stream keeps up when its output has at least this share of the input's 30 fps. */
    private static final double REAL_TIME = 0.95;

    private final Path home;
    private final Path work;
    private final Duration warmup;
    private final Duration window;
    private final String preset;
    /** Source seconds sent per second, for Kiln's publishers and ffmpeg alike (1 = real time). */
    private final double readrate;

    private TranscodeBench(Path home, Path work, Duration warmup, Duration window, String preset, double readrate) {
        this.home = home;
        this.work = work;
        this.warmup = warmup;
        this.window = window;
        this.preset = preset;
        this.readrate = readrate;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new java.util.HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, got " + a);
            }
            o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Path home = Path.of(o.getOrDefault("kiln-home", "dist/target/kiln"));
        Duration warmup = seconds(o.getOrDefault("warmup", "20s"));
        Duration window = seconds(o.getOrDefault("duration", "40s"));
        String preset = o.getOrDefault("preset", "veryfast");
        List<Integer> levels = List.of(o.getOrDefault("levels", "1,2,3,4,6").split(",")).stream()
                .map(String::trim).map(Integer::parseInt).toList();
        List<String> cases = List.of(o.getOrDefault("cases", "ladder,realtime").split(","));
        Path work = Files.createTempDirectory("kiln-transcode-bench-");
        System.err.println("[bench] work folder " + work);
        double readrate = Double.parseDouble(o.getOrDefault("readrate", "1"));
        TranscodeBench bench = new TranscodeBench(home, work, warmup, window, preset, readrate);
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "bench/transcode %s, %d cores, preset %s, warm-up %d s, window %d s,"
                        + " source read at %s× real time, load average before: %s%n%n", java.time.OffsetDateTime.now().withNano(0),
                Runtime.getRuntime().availableProcessors(), preset, warmup.toSeconds(), window.toSeconds(),
                o.getOrDefault("readrate", "1"), loadAverage()));
        if (cases.contains("ladder")) {
            report.append(bench.ladder());
        }
        if (cases.contains("realtime")) {
            report.append(bench.realTime(levels));
        }
        report.append(String.format(Locale.ROOT, "%nload average after: %s%n", loadAverage()));
        System.out.println(report);
    }

    /** Both sides of the ladder, one after the other, on the same source. */
    private String ladder() throws Exception {
        long seconds = (long) Math.ceil((warmup.toSeconds() + window.toSeconds() + 15) * readrate);
        Path source = source("1920x1080", "6M", seconds);
        // ffmpeg first.
        double ffFps;
        double ffCpu;
        try (FfmpegLadder ff = FfmpegLadder.start(work, source, Rung.LADDER, preset, readrate)) {
            Thread.sleep(warmup.toMillis());
            long f0 = ff.frames();
            double c0 = ProcessStats.cpuSeconds(ff.pid());
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            if (!ff.isAlive()) {
                throw new IllegalStateException("ffmpeg ended early; see " + work.resolve("ffmpeg-ladder.log"));
            }
            long f1 = ff.frames();
            double c1 = ProcessStats.cpuSeconds(ff.pid());
            double s = (System.nanoTime() - t0) / 1e9;
            ffFps = (f1 - f0) / s;
            ffCpu = (c1 - c0) / s;
        }
        System.err.printf(Locale.ROOT, "[bench] ffmpeg ladder: %.1f fps, %.2f cores%n", ffFps, ffCpu);
        // Then Kiln.
        StringBuilder videos = new StringBuilder();
        for (Rung r : Rung.LADDER) {
            videos.append(videos.length() == 0 ? "" : ",").append(r.encodeJson(preset));
        }
        double[] kiln;
        try (KilnIngestServer server = KilnIngestServer.start(home, Files.createDirectories(work.resolve("kiln-ladder")),
                "-Xms256m -Xmx1g")) {
            createApp(server, "ladder", "ladder", "[" + videos + "]",
                    "[{\"name\":\"aac\",\"codec\":\"aac\",\"bitrate\":128000}]");
            kiln = measureKiln(server, "ladder", source, 1).get(0);
        }
        double kilnFps = kiln[0];
        StringBuilder t = new StringBuilder();
        t.append("### ladder: 1080p30 → 720p/480p/360p x264 ").append(preset).append(" + AAC\n\n");
        t.append("| server | sustained fps (slowest rung) | CPU cores used | fps per core |\n");
        t.append("| --- | ---: | ---: | ---: |\n");
        t.append(String.format(Locale.ROOT, "| ffmpeg (one process, split + 3 × libx264) | %.1f | %.2f | %.1f |%n",
                ffFps, ffCpu, ffFps / ffCpu));
        t.append(String.format(Locale.ROOT, "| Kiln (codec bundle, RTMP in) | %.1f | %.2f | %.1f |%n", kilnFps,
                kiln[1], kilnFps / kiln[1]));
        t.append(String.format(Locale.ROOT, "%nKiln / ffmpeg: %.2f× the frame rate, %.2f× the frames per core "
                + "(target ≥ 0.95×)%n%n", kilnFps / ffFps, (kilnFps / kiln[1]) / (ffFps / ffCpu)));
        return t.toString();
    }

    /** Streams of 720p30 → 360p: more at once until one falls behind. */
    private String realTime(List<Integer> levels) throws Exception {
        long seconds = (long) Math.ceil((warmup.toSeconds() + window.toSeconds() + 15) * readrate);
        Path source = source("1280x720", "3M", seconds);
        StringBuilder t = new StringBuilder("### real time: 720p30 → 360p x264 " + preset + " (audio passed through)\n\n");
        t.append("| streams | slowest stream fps | mean fps | Kiln CPU cores | keeps up |\n");
        t.append("| ---: | ---: | ---: | ---: | --- |\n");
        int best = 0;
        for (int n : levels) {
            List<double[]> per;
            try (KilnIngestServer server = KilnIngestServer.start(home,
                    Files.createDirectories(work.resolve("kiln-rt-" + n)), "-Xms256m -Xmx1g")) {
                createApp(server, "rt", "small", "[" + Rung.SMALL.encodeJson(preset) + "]",
                        "[{\"name\":\"aac\",\"bypass\":true}]");
                per = measureKiln(server, "rt", source, n);
            }
            double min = per.stream().mapToDouble(d -> d[0]).min().orElse(0);
            double mean = per.stream().mapToDouble(d -> d[0]).average().orElse(0);
            boolean ok = min >= 30 * REAL_TIME;
            t.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.2f | %s |%n", n, min, mean, per.get(0)[1],
                    ok ? "yes" : "no"));
            System.err.printf(Locale.ROOT, "[bench] %d stream(s) 720p→360p: slowest %.1f fps%n", n, min);
            if (!ok) {
                break;
            }
            best = n;
        }
        t.append(String.format(Locale.ROOT, "%nKiln keeps up with %d stream(s) of 720p30 → 360p in real time here "
                + "(every stream ≥ %.1f fps).%n", best, 30 * REAL_TIME));
        return t.toString();
    }

    private static void createApp(KilnIngestServer server, String app, String profile, String videos, String audios)
            throws IOException, InterruptedException {
        String body = "[{\"name\":\"" + app + "\",\"type\":\"live\",\"outputProfiles\":{\"outputProfile\":[{"
                + "\"name\":\"" + profile + "\",\"outputStreamName\":\"${OriginStreamName}_out\",\"encodes\":{"
                + "\"videos\":" + videos + ",\"audios\":" + audios + "}}]}}]";
        HttpResponse<String> r = server.post("/v1/vhosts/default/apps", body);
        if (r.statusCode() != 200 || !r.body().contains("\"statusCode\":200")) {
            throw new IllegalStateException("creating app " + app + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * Publishes {@code n} copies of {@code source} in real time into {@code app}, records each
     * output over the window (after the warm-up), and returns per stream {fps of its slowest
     * video rendition, Kiln's CPU cores over the window}.
     */
    private List<double[]> measureKiln(KilnIngestServer server, String app, Path source, int n) throws Exception {
        List<Process> publishers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                publishers.add(FfmpegTool.startFfmpeg(work.resolve("publish-" + app + "-" + n + "-" + i + ".log"),
                        List.of("-hide_banner", "-nostats", "-readrate", String.valueOf(readrate), "-i",
                                source.toString(), "-c", "copy", "-f", "flv",
                                "rtmp://127.0.0.1:" + server.rtmpAddress().getPort() + "/" + app + "/s" + i)));
            }
            Thread.sleep(warmup.toMillis());
            List<String> variants = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = server.post("/v1/vhosts/default/apps/" + app + ":startRecord",
                        "{\"id\":\"r" + i + "\",\"stream\":{\"name\":\"s" + i + "_out\"},\"filePath\":\"" + app + "_" + n
                                + "_" + i + ".ts\"}");
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("startRecord for s" + i + "_out: " + r.body());
                }
                variants.add("r" + i);
            }
            double c0 = ProcessStats.cpuSeconds(server.pid());
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            List<JsonNode> stopped = new ArrayList<>();
            for (String id : variants) {
                HttpResponse<String> r = server.post("/v1/vhosts/default/apps/" + app + ":stopRecord",
                        "{\"id\":\"" + id + "\"}");
                stopped.add(JSON.readTree(r.body()).path("response"));
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cores = (ProcessStats.cpuSeconds(server.pid()) - c0) / wall;
            List<double[]> out = new ArrayList<>();
            for (JsonNode s : stopped) {
                Path file = Path.of(s.path("outputFilePath").asText());
                Map<Integer, double[]> frames = OutputFrames.count(file);
                System.err.println("[bench] " + file.getFileName() + " over " + String.format(Locale.ROOT, "%.1f", wall)
                        + " s: frames/media seconds by stream " + frames.entrySet().stream()
                        .map(e -> e.getKey() + "=" + (long) e.getValue()[0] + "/"
                                + String.format(Locale.ROOT, "%.1f", e.getValue()[1]))
                        .collect(Collectors.joining(", ")));
                // Frames over the wall-clock time their media span took to arrive (span / readrate):
                // the file's own start and end, so the recorder's start at a key frame costs nothing.
                out.add(new double[] {frames.values().stream()
                        .mapToDouble(d -> d[1] > 0 ? (d[0] - 1) / (d[1] / readrate) : 0).min().orElse(0), cores});
            }
            return out;
        } finally {
            publishers.forEach(Process::destroyForcibly);
        }
    }

    /** {@code seconds} of testsrc2 at {@code size}, 30 fps, GOP 2 s, and a 48 kHz AAC tone, as FLV (made once). */
    private Path source(String size, String bitrate, long seconds) {
        Path flv = work.resolve("source-" + size + ".flv");
        System.err.println("[bench] encoding " + seconds + " s of " + size + " source ...");
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofMinutes(20), List.of("-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-b:v", bitrate, "-g", "60", "-keyint_min", "60",
                "-sc_threshold", "0", "-bf", "0", "-c:a", "aac", "-ac", "2", "-b:a", "128k", "-f", "flv", flv.toString()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("ffmpeg could not make the source:\n" + r.output());
        }
        return flv;
    }

    private static Duration seconds(String s) {
        return Duration.ofSeconds(Long.parseLong(s.replace("s", "")));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
