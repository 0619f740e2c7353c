package dev.kiln.bench.rtmp;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@link RtmpIngestBench}, as {@code --name=value}.
 *
 * @param levels        concurrent publishers per step
 * @param duration      measured time per step
 * @param warmup        time between the last publisher connecting and the measurement
 * @param servers       which servers to run: kiln, nginx
 * @param kilnHome      the distribution to start
 * @param kilnJvmOpts   KILN_JAVA_OPTS of the Kiln process
 * @param kilnPlugins   which bundles of the distribution Kiln runs (a glob; default: RTMP ingest only)
 * @param nginx         the nginx executable
 * @param nginxModule   the RTMP module nginx loads
 * @param nginxWorkers  nginx worker_processes (1: nginx-rtmp's live mode and rtmp_stat work per worker)
 * @param flv           the FLV to replay; generated with the bundled ffmpeg when missing
 * @param flvSeconds    length of a generated FLV (publishers loop it)
 * @param videoBitrate  video bitrate of a generated FLV (ffmpeg syntax, e.g. 2400k)
 * @param work          folder for server logs, configurations and the FLV
 * @param pacing        how the publishers' writes are spaced (see {@link PacedSender})
 */
record RtmpBenchOptions(List<Integer> levels, Duration duration, Duration warmup, List<String> servers,
                        Path kilnHome, String kilnJvmOpts, String kilnPlugins, Path nginx, Path nginxModule, String nginxWorkers,
                        Path flv, int flvSeconds, String videoBitrate, Path work,
                        PacedSender.Pacing pacing) {

    static final String USAGE = String.join("\n",
            "Usage: RtmpIngestBench [--levels=50,100,200] [--duration=30s] [--warmup=60s] [--servers=kiln,nginx]",
            "         [--kiln-home=dist/target/kiln] [--kiln-jvm-opts='-Xms256m -Xmx1g']",
            "         [--kiln-plugins='kiln-{rtmp-protocol,ingest-rtmp}-*.jar']",
            "         [--nginx=/usr/sbin/nginx] [--nginx-module=/usr/lib/nginx/modules/ngx_rtmp_module.so]",
            "         [--nginx-workers=1] [--flv=FILE] [--flv-seconds=30] [--video-bitrate=2400k]",
            "         [--work=/tmp/kiln-rtmp-bench] [--pacing=spread|rounds]",
            "Durations: 30s, 500ms, 1m or plain seconds.");

    static RtmpBenchOptions parse(String[] args) {
        List<Integer> levels = List.of(50, 100, 200);
        Duration duration = Duration.ofSeconds(30);
        Duration warmup = Duration.ofSeconds(60);
        List<String> servers = List.of("kiln", "nginx");
        Path kilnHome = Paths.get("dist/target/kiln");
        String kilnJvmOpts = "-Xms256m -Xmx1g";
        String kilnPlugins = "kiln-{rtmp-protocol,ingest-rtmp}-*.jar";
        Path nginx = Paths.get("/usr/sbin/nginx");
        Path module = Paths.get("/usr/lib/nginx/modules/ngx_rtmp_module.so");
        String workers = "1";
        Path flv = null;
        int flvSeconds = 30;
        String videoBitrate = "2400k";
        Path work = Paths.get(System.getProperty("java.io.tmpdir"), "kiln-rtmp-bench");
        PacedSender.Pacing pacing = PacedSender.Pacing.SPREAD;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'\n" + USAGE);
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "levels" -> levels = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
                case "duration" -> duration = duration(name, value);
                case "warmup" -> warmup = duration(name, value);
                case "servers" -> servers = Arrays.stream(value.split(",")).map(String::trim).toList();
                case "kiln-home" -> kilnHome = Paths.get(value);
                case "kiln-jvm-opts" -> kilnJvmOpts = value;
                case "kiln-plugins" -> kilnPlugins = value;
                case "nginx" -> nginx = Paths.get(value);
                case "nginx-module" -> module = Paths.get(value);
                case "nginx-workers" -> workers = value;
                case "flv" -> flv = Paths.get(value);
                case "flv-seconds" -> flvSeconds = Integer.parseInt(value);
                case "video-bitrate" -> videoBitrate = value;
                case "work" -> work = Paths.get(value);
                case "pacing" -> pacing = PacedSender.Pacing.valueOf(value.toUpperCase(java.util.Locale.ROOT));
                default -> throw new IllegalArgumentException("Unknown option --" + name + "\n" + USAGE);
            }
        }
        if (levels.isEmpty() || levels.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--levels: positive publisher counts, e.g. 50,100,200");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        for (String s : servers) {
            if (!s.equals("kiln") && !s.equals("nginx")) {
                throw new IllegalArgumentException("--servers: kiln and/or nginx, got '" + s + "'");
            }
        }
        work = work.toAbsolutePath().normalize();
        return new RtmpBenchOptions(levels, duration, warmup, servers, kilnHome.toAbsolutePath().normalize(),
                kilnJvmOpts, kilnPlugins, nginx, module, workers, flv == null ? work.resolve("source.flv") : flv.toAbsolutePath(),
                flvSeconds, videoBitrate, work, pacing);
    }

    private static Duration duration(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t.endsWith("s") ? t.substring(0, t.length() - 1) : t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + ": not a duration: '" + text + "'\n" + USAGE, e);
        }
    }
}
