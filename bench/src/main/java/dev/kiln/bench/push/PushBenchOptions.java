package dev.kiln.bench.push;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@link PushBench}, as {@code --name=value}.
 *
 * @param levels       numbers of pushes of the one input, one step each
 * @param duration     measured window per step (and of the no-push baseline)
 * @param warmup       time between the pushes running and the window
 * @param setups       which to run: kiln (Kiln's RTMP push), ffmpeg (one ffmpeg -c copy relay per target)
 * @param kilnHome     the distribution to start
 * @param kilnJvmOpts  KILN_JAVA_OPTS of the Kiln process
 * @param kilnPlugins  which bundles of the distribution Kiln runs (a glob)
 * @param nginx        the nginx executable
 * @param nginxModule  the RTMP module nginx loads
 * @param flv          the FLV the publisher replays; generated with the bundled ffmpeg when missing
 * @param work         folder for server logs, configurations and the FLV
 */
record PushBenchOptions(List<Integer> levels, Duration duration, Duration warmup, List<String> setups,
                        Path kilnHome, String kilnJvmOpts, String kilnPlugins, Path nginx, Path nginxModule,
                        Path flv, Path work) {

    static final String USAGE = String.join("\n",
            "Usage: PushBench [--levels=1,10,50] [--duration=20s] [--warmup=10s] [--setups=kiln,ffmpeg]",
            "         [--kiln-home=dist/target/kiln] [--kiln-jvm-opts='-Xms256m -Xmx1g']",
            "         [--kiln-plugins='kiln-{rtmp-protocol,ingest-rtmp,push}-*.jar']",
            "         [--nginx=/usr/sbin/nginx] [--nginx-module=/usr/lib/nginx/modules/ngx_rtmp_module.so]",
            "         [--flv=FILE] [--work=/tmp/kiln-push-bench]",
            "Durations: 30s, 500ms, 1m or plain seconds.");

    static PushBenchOptions parse(String[] args) {
        List<Integer> levels = List.of(1, 10, 50);
        Duration duration = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(10);
        List<String> setups = List.of("kiln", "ffmpeg");
        Path kilnHome = Paths.get("dist/target/kiln");
        String kilnJvmOpts = "-Xms256m -Xmx1g";
        String kilnPlugins = "kiln-{rtmp-protocol,ingest-rtmp,push}-*.jar";
        Path nginx = Paths.get("/usr/sbin/nginx");
        Path module = Paths.get("/usr/lib/nginx/modules/ngx_rtmp_module.so");
        Path flv = null;
        Path work = Paths.get(System.getProperty("java.io.tmpdir"), "kiln-push-bench");
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
                case "setups" -> setups = Arrays.stream(value.split(",")).map(String::trim).toList();
                case "kiln-home" -> kilnHome = Paths.get(value);
                case "kiln-jvm-opts" -> kilnJvmOpts = value;
                case "kiln-plugins" -> kilnPlugins = value;
                case "nginx" -> nginx = Paths.get(value);
                case "nginx-module" -> module = Paths.get(value);
                case "flv" -> flv = Paths.get(value);
                case "work" -> work = Paths.get(value);
                default -> throw new IllegalArgumentException("Unknown option --" + name + "\n" + USAGE);
            }
        }
        if (levels.isEmpty() || levels.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--levels: positive push counts, e.g. 1,10,50");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        for (String s : setups) {
            if (!s.equals("kiln") && !s.equals("ffmpeg")) {
                throw new IllegalArgumentException("--setups: kiln and/or ffmpeg, got '" + s + "'");
            }
        }
        work = work.toAbsolutePath().normalize();
        return new PushBenchOptions(levels, duration, warmup, setups, kilnHome.toAbsolutePath().normalize(),
                kilnJvmOpts, kilnPlugins, nginx, module,
                flv == null ? work.resolve("source.flv") : flv.toAbsolutePath(), work);
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
