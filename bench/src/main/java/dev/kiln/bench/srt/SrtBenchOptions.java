package dev.kiln.bench.srt;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@link SrtIngestBench}, as {@code --name=value}.
 *
 * @param levels       concurrent publishers per step
 * @param duration     measured CPU window per case
 * @param warmup       time between the last publisher starting and the window
 * @param servers      which receivers: kiln, slt (srt-live-transmit)
 * @param loss         probability that the relay drops a caller's data packet
 * @param connectGap   time between two publishers' starts (Kiln limits handshakes per source address)
 * @param latencyMs    SRT latency asked by the callers (and set on the srt-live-transmit listeners)
 * @param kilnHome     the distribution to start
 * @param kilnJvmOpts  KILN_JAVA_OPTS of the Kiln process
 * @param kilnPlugins  which bundles of the distribution Kiln runs (a glob)
 * @param slt          the srt-live-transmit executable
 * @param ts           the MPEG-TS to loop; generated with the bundled ffmpeg when missing
 * @param tsSeconds    length of a generated TS
 * @param videoBitrate video bitrate of a generated TS
 * @param work         folder for logs and the TS
 */
record SrtBenchOptions(List<Integer> levels, Duration duration, Duration warmup, List<String> servers, double loss,
                       Duration connectGap, int latencyMs, Path kilnHome, String kilnJvmOpts, String kilnPlugins,
                       String slt, Path ts, int tsSeconds, String videoBitrate, Path work) {

    static final String USAGE = String.join("\n",
            "Usage: SrtIngestBench [--levels=50] [--duration=30s] [--warmup=15s] [--servers=kiln,slt] [--loss=0.01]",
            "         [--connect-gap=150ms] [--latency-ms=120] [--kiln-home=dist/target/kiln]",
            "         [--kiln-jvm-opts='-Xms256m -Xmx1g'] [--kiln-plugins='kiln-{rtmp-protocol,mpegts,ingest-srt}-*.jar']",
            "         [--slt=srt-live-transmit] [--ts=FILE] [--ts-seconds=20] [--video-bitrate=2400k]",
            "         [--work=/tmp/kiln-srt-bench]",
            "Durations: 30s, 500ms, 1m or plain seconds.");

    static SrtBenchOptions parse(String[] args) {
        List<Integer> levels = List.of(50);
        Duration duration = Duration.ofSeconds(30);
        Duration warmup = Duration.ofSeconds(15);
        List<String> servers = List.of("kiln", "slt");
        double loss = 0.01;
        Duration gap = Duration.ofMillis(150);
        int latency = 120;
        Path kilnHome = Paths.get("dist/target/kiln");
        String jvm = "-Xms256m -Xmx1g";
        String plugins = "kiln-{rtmp-protocol,mpegts,ingest-srt}-*.jar";
        String slt = "srt-live-transmit";
        Path ts = null;
        int tsSeconds = 20;
        String videoBitrate = "2400k";
        Path work = Paths.get(System.getProperty("java.io.tmpdir"), "kiln-srt-bench");
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
                case "loss" -> loss = Double.parseDouble(value);
                case "connect-gap" -> gap = duration(name, value);
                case "latency-ms" -> latency = Integer.parseInt(value);
                case "kiln-home" -> kilnHome = Paths.get(value);
                case "kiln-jvm-opts" -> jvm = value;
                case "kiln-plugins" -> plugins = value;
                case "slt" -> slt = value;
                case "ts" -> ts = Paths.get(value);
                case "ts-seconds" -> tsSeconds = Integer.parseInt(value);
                case "video-bitrate" -> videoBitrate = value;
                case "work" -> work = Paths.get(value);
                default -> throw new IllegalArgumentException("Unknown option --" + name + "\n" + USAGE);
            }
        }
        if (levels.isEmpty() || levels.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--levels: positive publisher counts, e.g. 10,25,50");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (loss < 0 || loss >= 1) {
            throw new IllegalArgumentException("--loss: a probability in [0, 1), got " + loss);
        }
        for (String s : servers) {
            if (!s.equals("kiln") && !s.equals("slt")) {
                throw new IllegalArgumentException("--servers: kiln and/or slt, got '" + s + "'");
            }
        }
        work = work.toAbsolutePath().normalize();
        return new SrtBenchOptions(levels, duration, warmup, servers, loss, gap, latency,
                kilnHome.toAbsolutePath().normalize(), jvm, plugins, slt,
                ts == null ? work.resolve("source.ts") : ts.toAbsolutePath(), tsSeconds, videoBitrate, work);
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
