package dev.kiln.bench.api;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;

/**
 * Command-line options of {@link ApiBench}, as {@code --name=value}.
 *
 * @param duration     measured time per case
 * @param warmup       least unmeasured time per case before it (0: no warm-up)
 * @param maxWarmup    most unmeasured time per case: the warm-up goes on until the load is steady
 * @param concurrency  closed-loop clients, each with one request in flight
 * @param kilnHome     the distribution to start ({@code dist/target/kiln})
 * @param kilnAddr     host:port of an already running Kiln to use instead, or null
 * @param token        Kiln's access token
 * @param serverJvmOpts JVM options of both servers (Kiln and the bare one), so they compare
 * @param vhost        virtual host of the measured application
 * @param app          the measured application
 */
record BenchOptions(Duration duration, Duration warmup, Duration maxWarmup, int concurrency, Path kilnHome, String kilnAddr,
                    String token, String serverJvmOpts, String vhost, String app) {

    static final String USAGE = String.join("\n",
            "Usage: ApiBench [--duration=10s] [--warmup=10s] [--max-warmup=60s] [--concurrency=64]",
            "                [--kiln-home=dist/target/kiln | --kiln-addr=HOST:PORT] [--token=kiln-access-token]",
            "                [--server-jvm-opts='-Xms256m -Xmx512m'] [--vhost=default] [--app=app]",
            "Durations: 10s, 500ms, 1m or plain seconds.");

    BenchOptions {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup must not be negative");
        }
        if (maxWarmup.compareTo(warmup) < 0) {
            throw new IllegalArgumentException("--max-warmup must not be shorter than --warmup");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1");
        }
    }

    static BenchOptions parse(String[] args) {
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(10);
        Duration maxWarmup = null;
        int concurrency = 64;
        Path kilnHome = Paths.get("dist/target/kiln");
        String kilnAddr = null;
        String token = "kiln-access-token";
        String jvmOpts = "-Xms256m -Xmx512m";
        String vhost = "default";
        String app = "app";
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'\n" + USAGE);
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "duration" -> duration = parseDuration(name, value);
                case "warmup" -> warmup = parseDuration(name, value);
                case "max-warmup" -> maxWarmup = parseDuration(name, value);
                case "concurrency" -> concurrency = Integer.parseInt(value);
                case "kiln-home" -> kilnHome = Paths.get(value);
                case "kiln-addr" -> kilnAddr = value;
                case "token" -> token = value;
                case "server-jvm-opts" -> jvmOpts = value;
                case "vhost" -> vhost = value;
                case "app" -> app = value;
                default -> throw new IllegalArgumentException("Unknown option --" + name + "\n" + USAGE);
            }
        }
        if (maxWarmup == null) {
            maxWarmup = warmup.isZero() ? Duration.ZERO : Duration.ofSeconds(Math.max(60, warmup.toSeconds()));
        }
        return new BenchOptions(duration, warmup, maxWarmup, concurrency, kilnHome.toAbsolutePath().normalize(), kilnAddr,
                token, jvmOpts, vhost, app);
    }

    /** The REST path of the measured application, also served by the bare endpoint. */
    String appPath() {
        return "/v1/vhosts/" + vhost + "/apps/" + app;
    }

    static Duration parseDuration(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + ": not a duration: '" + text + "'\n" + USAGE, e);
        }
    }
}
