package dev.kiln.bench.record;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@link RecordBench}, as {@code --name=value}.
 *
 * @param levels        concurrent ingest+record streams per step
 * @param duration      measured time per scenario and step
 * @param warmup        time between the last publisher connecting and the measurement
 * @param scenarios     which to run: kiln, nginx (nginx-rtmp {@code record all}), ffmpeg (one ffmpeg copy per stream)
 * @param container     extension of Kiln's record files: ts or mp4
 * @param kilnHome      the distribution to start
 * @param kilnJvmOpts   KILN_JAVA_OPTS of the Kiln process
 * @param nginx         the nginx executable
 * @param nginxModule   the RTMP module nginx loads
 * @param flv           the FLV every publisher replays; generated with the bundled ffmpeg when missing
 * @param work          folder for server logs, configurations, recordings and the FLV
 * @param keepFiles     keep the recordings after each scenario (they are ~18 MiB per stream-minute)
 */
record RecordBenchOptions(List<Integer> levels, Duration duration, Duration warmup, List<String> scenarios,
                          String container, Path kilnHome, String kilnJvmOpts, Path nginx, Path nginxModule,
                          Path flv, Path work, boolean keepFiles) {

    static final String USAGE = String.join("\n",
            "Usage: RecordBench [--levels=50,100] [--duration=30s] [--warmup=60s] [--scenarios=kiln,nginx,ffmpeg]",
            "         [--container=ts] [--kiln-home=dist/target/kiln] [--kiln-jvm-opts='-Xms256m -Xmx1g']",
            "         [--nginx=/usr/sbin/nginx] [--nginx-module=/usr/lib/nginx/modules/ngx_rtmp_module.so]",
            "         [--flv=FILE] [--work=/tmp/kiln-record-bench] [--keep-files=false]",
            "Durations: 30s, 500ms, 1m or plain seconds.");

    static RecordBenchOptions parse(String[] args) {
        List<Integer> levels = List.of(50, 100);
        Duration duration = Duration.ofSeconds(30);
        Duration warmup = Duration.ofSeconds(60);
        List<String> scenarios = List.of("kiln", "nginx", "ffmpeg");
        String container = "ts";
        Path kilnHome = Paths.get("dist/target/kiln");
        String kilnJvmOpts = "-Xms256m -Xmx1g";
        Path nginx = Paths.get("/usr/sbin/nginx");
        Path module = Paths.get("/usr/lib/nginx/modules/ngx_rtmp_module.so");
        Path flv = null;
        Path work = Paths.get(System.getProperty("java.io.tmpdir"), "kiln-record-bench");
        boolean keep = false;
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
                case "scenarios" -> scenarios = Arrays.stream(value.split(",")).map(String::trim).toList();
                case "container" -> container = value.trim();
                case "kiln-home" -> kilnHome = Paths.get(value);
                case "kiln-jvm-opts" -> kilnJvmOpts = value;
                case "nginx" -> nginx = Paths.get(value);
                case "nginx-module" -> module = Paths.get(value);
                case "flv" -> flv = Paths.get(value);
                case "work" -> work = Paths.get(value);
                case "keep-files" -> keep = Boolean.parseBoolean(value);
                default -> throw new IllegalArgumentException("Unknown option --" + name + "\n" + USAGE);
            }
        }
        if (levels.isEmpty() || levels.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--levels: positive stream counts, e.g. 50,100");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        for (String s : scenarios) {
            if (!List.of("kiln", "nginx", "ffmpeg").contains(s)) {
                throw new IllegalArgumentException("--scenarios: kiln, nginx and/or ffmpeg, got '" + s + "'");
            }
        }
        if (!container.equals("ts") && !container.equals("mp4")) {
            throw new IllegalArgumentException("--container: ts or mp4, got '" + container + "'");
        }
        work = work.toAbsolutePath().normalize();
        return new RecordBenchOptions(levels, duration, warmup, scenarios, container,
                kilnHome.toAbsolutePath().normalize(), kilnJvmOpts, nginx, module,
                flv == null ? work.resolve("source.flv") : flv.toAbsolutePath(), work, keep);
    }

    boolean needsNginx() {
        return scenarios.contains("nginx") || scenarios.contains("ffmpeg");
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
