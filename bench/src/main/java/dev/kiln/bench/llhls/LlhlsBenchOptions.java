package dev.kiln.bench.llhls;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@link LlhlsBench}, as {@code --name=value}.
 *
 * @param levels        numbers of concurrent viewers, one step each
 * @param duration      measured window per step (and of the idle window before the first step)
 * @param warmup        time from the last viewer's start to the window
 * @param ramp          time over which a step's viewers start, evenly spread
 * @param servers       which to run: kiln (LL-HLS with blocking reloads), nginx (the same stream as
 *                      ffmpeg's fMP4 HLS files, plain polling)
 * @param kilnHome      the distribution to start
 * @param kilnJvmOpts   KILN_JAVA_OPTS of the Kiln process
 * @param kilnPlugins   which bundles of the distribution Kiln runs (a glob)
 * @param kilnPlaylist  the playlist viewers open on Kiln
 * @param nginx         the nginx executable
 * @param nginxWorkers  nginx's worker_processes
 * @param videoBitrate  the source's video bitrate (ffmpeg syntax)
 * @param clientLoops   event loops of the viewers' HTTP client
 * @param work          folder for server logs, configurations and the HLS files
 */
record LlhlsBenchOptions(List<Integer> levels, Duration duration, Duration warmup, Duration ramp,
                         List<String> servers, Path kilnHome, String kilnJvmOpts, String kilnPlugins,
                         String kilnPlaylist, Path nginx, String nginxWorkers, String videoBitrate, int clientLoops,
                         Path work) {

    static final String USAGE = String.join("\n",
            "Usage: LlhlsBench [--levels=500,2000] [--duration=30s] [--warmup=10s] [--ramp=10s] [--servers=kiln,nginx]",
            "         [--kiln-home=dist/target/kiln] [--kiln-jvm-opts='-Xms256m -Xmx1g']",
            "         [--kiln-plugins='kiln-{rtmp-protocol,ingest-rtmp,publisher-llhls}-*.jar']",
            "         [--kiln-playlist=/app/bench/llhls.m3u8] [--nginx=/usr/sbin/nginx] [--nginx-workers=auto]",
            "         [--video-bitrate=2800k] [--client-loops=2] [--work=/tmp/kiln-llhls-bench]",
            "Durations: 30s, 500ms, 1m or plain seconds.");

    static LlhlsBenchOptions parse(String[] args) {
        List<Integer> levels = List.of(500, 2000);
        Duration duration = Duration.ofSeconds(30);
        Duration warmup = Duration.ofSeconds(10);
        Duration ramp = Duration.ofSeconds(10);
        List<String> servers = List.of("kiln", "nginx");
        Path kilnHome = Paths.get("dist/target/kiln");
        String kilnJvmOpts = "-Xms256m -Xmx1g";
        String kilnPlugins = "kiln-{rtmp-protocol,ingest-rtmp,publisher-llhls}-*.jar";
        String kilnPlaylist = "/app/bench/llhls.m3u8";
        Path nginx = Paths.get("/usr/sbin/nginx");
        String nginxWorkers = "auto";
        String videoBitrate = "2800k";
        int clientLoops = 2;
        Path work = Paths.get(System.getProperty("java.io.tmpdir"), "kiln-llhls-bench");
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
                case "ramp" -> ramp = duration(name, value);
                case "servers" -> servers = Arrays.stream(value.split(",")).map(String::trim).toList();
                case "kiln-home" -> kilnHome = Paths.get(value);
                case "kiln-jvm-opts" -> kilnJvmOpts = value;
                case "kiln-plugins" -> kilnPlugins = value;
                case "kiln-playlist" -> kilnPlaylist = value;
                case "nginx" -> nginx = Paths.get(value);
                case "nginx-workers" -> nginxWorkers = value;
                case "video-bitrate" -> videoBitrate = value;
                case "client-loops" -> clientLoops = Integer.parseInt(value);
                case "work" -> work = Paths.get(value);
                default -> throw new IllegalArgumentException("Unknown option --" + name + "\n" + USAGE);
            }
        }
        if (levels.isEmpty() || levels.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--levels: positive viewer counts, e.g. 500,2000");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (servers.isEmpty() || servers.stream().anyMatch(s -> !s.equals("kiln") && !s.equals("nginx"))) {
            throw new IllegalArgumentException("--servers: kiln and/or nginx, got '" + String.join(",", servers) + "'");
        }
        if (!kilnPlaylist.startsWith("/")) {
            throw new IllegalArgumentException("--kiln-playlist: a path starting with /, got '" + kilnPlaylist + "'");
        }
        if (clientLoops < 1) {
            throw new IllegalArgumentException("--client-loops must be at least 1");
        }
        return new LlhlsBenchOptions(levels, duration, warmup, ramp, servers, kilnHome.toAbsolutePath().normalize(),
                kilnJvmOpts, kilnPlugins, kilnPlaylist, nginx, nginxWorkers, videoBitrate, clientLoops,
                work.toAbsolutePath().normalize());
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
