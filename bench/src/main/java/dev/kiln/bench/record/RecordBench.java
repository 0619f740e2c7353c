package dev.kiln.bench.record;

import dev.kiln.bench.rtmp.FlvFile;
import dev.kiln.bench.rtmp.IngestServer;
import dev.kiln.bench.rtmp.KilnIngestServer;
import dev.kiln.bench.rtmp.NginxRtmpServer;
import dev.kiln.bench.rtmp.PacedSender;
import dev.kiln.bench.rtmp.ProcessStats;
import dev.kiln.bench.rtmp.RtmpPublisher;
import dev.kiln.bench.rtmp.SourceFlv;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Ingest + record load: for each number of streams, three scenarios one after the other, each
 * with the same publishers (the RTMP load generator of {@code dev.kiln.bench.rtmp}, one FLV
 * replayed at real-time pace):
 * <ul>
 *   <li>{@code kiln}: the distribution with one record task per stream ({@code :startRecord},
 *       reserved before the stream is published), MPEG-TS files;</li>
 *   <li>{@code nginx-record}: nginx-rtmp with {@code record all} (FLV files);</li>
 *   <li>{@code ffmpeg-copy}: nginx-rtmp as a plain relay and one bundled
 *       {@code ffmpeg -i rtmp://… -c copy -f mpegts} per stream; the ffmpeg processes are the
 *       recording side, nginx's CPU is reported apart as the relay's share.</li>
 * </ul>
 * After a warm-up, CPU time and resident memory are read from {@code /proc} over a fixed window.
 * Then the recordings are stopped and the files checked (non-empty, one probed with ffprobe).
 */
public final class RecordBench {
    private static final String PREFIX = "s";
    private static final String RECORDS_DIR = "bench";
    private static final Pattern RECORDING = Pattern.compile("\"state\"\\s*:\\s*\"recording\"");

    private RecordBench() {
    }

    public static void main(String[] args) throws Exception {
        RecordBenchOptions options;
        try {
            options = RecordBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.needsNginx()) {
            requireReadable(options.nginx(), "nginx (Debian: apt-get install nginx libnginx-mod-rtmp)");
            requireReadable(options.nginxModule(), "the nginx RTMP module (Debian: apt-get install libnginx-mod-rtmp)");
        }
        Files.createDirectories(options.work());
        progress("work folder %s", options.work());
        FlvFile flv = FlvFile.read(SourceFlv.ensure(options.flv(), 30, "2400k"));
        progress("FLV %s: %.1f s loop, %.2f Mbit/s of media", options.flv(), flv.durationMs() / 1000.0,
                flv.bitrate() / 1e6);

        List<RecordResult> results = new ArrayList<>();
        for (int level : options.levels()) {
            for (String scenario : options.scenarios()) {
                results.add(switch (scenario) {
                    case "kiln" -> runKiln(options, flv, level);
                    case "nginx" -> runNginxRecord(options, flv, level);
                    default -> runFfmpegCopy(options, flv, level);
                });
            }
        }
        System.out.println(RecordTable.render(results, options.levels()));
    }

    private static RecordResult runKiln(RecordBenchOptions o, FlvFile flv, int streams) throws Exception {
        Path work = Files.createTempDirectory(o.work(), "kiln-" + streams + "-");
        Path records = work.resolve("data/records").resolve(RECORDS_DIR);
        try (KilnIngestServer kiln = KilnIngestServer.start(o.kilnHome(), work, o.kilnJvmOpts())) {
            long rssIdle = ProcessStats.rssBytes(kiln.pid());
            progress("kiln: started (pid %d); %d record tasks", kiln.pid(), streams);
            for (int i = 0; i < streams; i++) {
                expectOk(kiln.post("/v1/vhosts/default/apps/app:startRecord", String.format(Locale.ROOT,
                        "{\"id\":\"rec-%d\",\"stream\":{\"name\":\"%s%d\"},\"filePath\":\"%s/%s%d.%s\"}",
                        i, PREFIX, i, RECORDS_DIR, PREFIX, i, o.container())), "startRecord rec-" + i);
            }
            Window w = measure("kiln", o, flv, kiln, streams, () -> ProcessStats.cpuSeconds(kiln.pid()),
                    () -> ProcessStats.rssBytes(kiln.pid()),
                    () -> count(RECORDING, kiln.post("/v1/vhosts/default/apps/app:records", "{}").body()));
            for (int i = 0; i < streams; i++) {
                expectOk(kiln.post("/v1/vhosts/default/apps/app:stopRecord", "{\"id\":\"rec-" + i + "\"}"),
                        "stopRecord rec-" + i);
            }
            awaitFinished(records, "." + o.container(), streams);
            return w.result("kiln", streams, 0, rssIdle, 0, files(records, "." + o.container(), o));
        } finally {
            cleanUp(o, records);
        }
    }

    private static RecordResult runNginxRecord(RecordBenchOptions o, FlvFile flv, int streams) throws Exception {
        Path work = Files.createTempDirectory(o.work(), "nginx-record-" + streams + "-");
        Path records = openToAll(work, work.resolve("records"));
        String directives = "record all; record_path " + records + "; record_unique on;";
        try (NginxRtmpServer nginx = NginxRtmpServer.start(o.nginx(), o.nginxModule(), "1", work, directives)) {
            long rssIdle = ProcessStats.rssBytes(nginx.pid());
            progress("nginx-record: started (pid %d)", nginx.pid());
            Window w = measure("nginx-record", o, flv, nginx, streams, () -> ProcessStats.cpuSeconds(nginx.pid()),
                    () -> ProcessStats.rssBytes(nginx.pid()), () -> nonEmpty(records, ".flv"));
            return w.result("nginx-record", streams, 0, rssIdle, 0, files(records, ".flv", o));
        } finally {
            cleanUp(o, records);
        }
    }

    private static RecordResult runFfmpegCopy(RecordBenchOptions o, FlvFile flv, int streams) throws Exception {
        Path work = Files.createTempDirectory(o.work(), "ffmpeg-copy-" + streams + "-");
        Path records = work.resolve("records");
        List<String> names = IntStream.range(0, streams).mapToObj(i -> PREFIX + i).toList();
        try (NginxRtmpServer nginx = NginxRtmpServer.start(o.nginx(), o.nginxModule(), "1", work, "record off;")) {
            progress("ffmpeg-copy: relay nginx started (pid %d)", nginx.pid());
            FfmpegCopies[] copies = new FfmpegCopies[1];
            try {
                Window w = measure("ffmpeg-copy", o, flv, nginx, streams,
                        () -> copies[0].cpuSeconds(), () -> copies[0].rssBytes(), () -> nonEmpty(records, ".ts"),
                        () -> {
                            progress("ffmpeg-copy: starting %d ffmpeg copies", streams);
                            copies[0] = FfmpegCopies.start("rtmp://127.0.0.1:" + nginx.rtmpAddress().getPort() + "/app",
                                    names, records);
                        });
                if (copies[0].alive() < streams) {
                    progress("ffmpeg-copy: %d of %d ffmpeg processes ended early (see %s)",
                            streams - copies[0].alive(), streams, records.resolve("logs"));
                }
                copies[0].close();
                return w.result("ffmpeg-copy", streams, w.relayCpu, 0, w.relayRss, files(records, ".ts", o));
            } finally {
                if (copies[0] != null) {
                    copies[0].close();
                }
            }
        } finally {
            cleanUp(o, records);
        }
    }

    /** What {@link #measure} saw; the relay fields are filled for the ffmpeg-copy scenario. */
    private record Window(double seconds, double cpu, double relayCpu, long rss, long relayRss, long sentBits,
                          int recording, int failed) {
        RecordResult result(String scenario, int streams, double relayCpuSeconds, long rssIdle, long relayRssBytes,
                            FileCheck f) {
            return new RecordResult(scenario, streams, seconds, cpu, relayCpuSeconds, rssIdle, rss, relayRssBytes,
                    sentBits, recording, failed, f.files, f.nonEmpty, f.bytes, f.probe);
        }
    }

    private static Window measure(String label, RecordBenchOptions o, FlvFile flv, IngestServer server, int streams,
                                  Probe cpu, LongProbe rss, CountProbe recording) throws Exception {
        return measure(label, o, flv, server, streams, cpu, rss, recording, () -> { });
    }

    /**
     * Publishes {@code streams} streams to {@code server}, runs {@code afterPublish}, warms up, then
     * reads {@code cpu} (and the server's own CPU, as the relay share) over the window.
     */
    private static Window measure(String label, RecordBenchOptions o, FlvFile flv, IngestServer server, int streams,
                                  Probe cpu, LongProbe rss, CountProbe recording, Action afterPublish)
            throws Exception {
        List<RtmpPublisher> publishers = new ArrayList<>();
        try (PacedSender sender = new PacedSender()) {
            for (int i = 0; i < streams; i++) {
                RtmpPublisher p = RtmpPublisher.publish(server.rtmpAddress(), "app", PREFIX + i, flv);
                publishers.add(p);
                sender.add(p);
            }
            afterPublish.run();
            progress("%s: %d publishing; warming up %d s", label, streams, o.warmup().toSeconds());
            Thread.sleep(o.warmup().toMillis()); // the warm-up being waited out, not synchronisation

            sender.resetMaxRound();
            long sent0 = sent(publishers);
            double cpu0 = cpu.get();
            double server0 = ProcessStats.cpuSeconds(server.pid());
            long t0 = System.nanoTime();
            Thread.sleep(o.duration().toMillis()); // the measured window
            double cpu1 = cpu.get();
            double server1 = ProcessStats.cpuSeconds(server.pid());
            long t1 = System.nanoTime();
            long sent1 = sent(publishers);
            long rssEnd = rss.get();
            long serverRss = ProcessStats.rssBytes(server.pid());
            int recordingNow = recording.get();
            List<String> failures = publishers.stream().filter(RtmpPublisher::failed).map(RtmpPublisher::failure).toList();
            if (!failures.isEmpty()) {
                progress("%s: %d publishers failed, e.g. %s", label, failures.size(), failures.get(0));
            }
            double seconds = (t1 - t0) / 1e9;
            double used = cpu1 - cpu0;
            progress("%s, %d streams: %.3f CPU s/stream-min (%.0f%% of a core), %d recording, slowest sender round %d ms",
                    label, streams, used / (streams * seconds / 60), 100 * used / seconds, recordingNow,
                    sender.maxRoundNanos() / 1_000_000);
            return new Window(seconds, used, server1 - server0, rssEnd, serverRss, (sent1 - sent0) * 8, recordingNow,
                    failures.size());
        } finally {
            for (RtmpPublisher p : publishers) {
                p.close();
            }
        }
    }

    @FunctionalInterface
    private interface Probe {
        double get() throws Exception;
    }

    @FunctionalInterface
    private interface LongProbe {
        long get() throws Exception;
    }

    @FunctionalInterface
    private interface CountProbe {
        int get() throws Exception;
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private record FileCheck(int files, int nonEmpty, long bytes, String probe) {
    }

    /** Counts the record files and their sizes, and probes the largest with ffprobe. */
    private static FileCheck files(Path dir, String suffix, RecordBenchOptions o) throws IOException {
        List<Path> found = list(dir, suffix);
        int nonEmpty = 0;
        long bytes = 0;
        for (Path f : found) {
            long size = Files.size(f);
            bytes += size;
            if (size > 0) {
                nonEmpty++;
            }
        }
        String probe = found.isEmpty() ? "no file" : probe(found.stream().max(Comparator.comparingLong(RecordBench::size)).get());
        progress("%d %s files in %s, %d non-empty, %.1f MiB (smallest %.1f MiB); ffprobe of the largest: %s",
                found.size(), suffix, dir, nonEmpty, bytes / (1024.0 * 1024),
                found.stream().mapToLong(RecordBench::size).min().orElse(0) / (1024.0 * 1024), probe);
        return new FileCheck(found.size(), nonEmpty, bytes, probe);
    }

    private static String probe(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(60), List.of("-v", "error",
                "-show_entries", "format=format_name,duration:stream=codec_name", "-of", "csv=p=0", file.toString()));
        String out = r.output().trim().replaceAll("\\s+", " ").replace("|", "/");
        return r.exitCode() == 0 ? out : "ffprobe failed: " + out;
    }

    /** Waits (at most 60 s) until {@code expected} finished files are there, after the tasks were stopped. */
    private static void awaitFinished(Path dir, String suffix, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (list(dir, suffix).size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the file system for finished files
        }
    }

    private static int nonEmpty(Path dir, String suffix) throws IOException {
        return (int) list(dir, suffix).stream().filter(f -> size(f) > 0).count();
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** nginx's workers run as nobody when the master runs as root: they must reach and write the record folder. */
    private static Path openToAll(Path work, Path records) throws IOException {
        Files.createDirectories(records);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(records, PosixFilePermissions.fromString("rwxrwxrwx"));
        return records;
    }

    private static void expectOk(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private static int count(Pattern p, String text) {
        return (int) p.matcher(text).results().count();
    }

    private static long sent(List<RtmpPublisher> publishers) {
        return publishers.stream().mapToLong(RtmpPublisher::bytesSent).sum();
    }

    /** Deletes the recordings (they are large) unless --keep-files=true; logs and configs stay. */
    private static void cleanUp(RecordBenchOptions o, Path records) throws IOException {
        if (o.keepFiles() || !Files.isDirectory(records)) {
            return;
        }
        for (Path f : list(records, "")) {
            if (Files.isRegularFile(f)) {
                Files.delete(f);
            }
        }
    }

    private static void progress(String format, Object... args) {
        System.err.println("[record-bench] " + String.format(Locale.ROOT, format, args));
    }

    private static void requireReadable(Path p, String what) throws IOException {
        if (!Files.isReadable(p)) {
            throw new IOException(what + " not found: " + p);
        }
    }
}
