package dev.kiln.bench.api;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.kiln.proto.v1.Application;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Control-API throughput and latency: Kiln's REST and gRPC answer for one application against a
 * bare Armeria server returning the same bytes (REST) and the same message (gRPC), under a
 * closed-loop load of N concurrent clients. Prints a Markdown table on stdout, progress on stderr.
 *
 * <p>Cases, in this order, each with its own warm-up: {@code kiln-rest} ({@code GET
 * /v1/vhosts/{vhost}/apps/{app}}), {@code bare-rest}, {@code kiln-grpc} ({@code
 * ApplicationService/GetApplication}), {@code bare-grpc}.
 */
public final class ApiBench {
    private ApiBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path workDir = Files.createTempDirectory("kiln-bench-");
        progress("work folder (logs, fixtures): " + workDir);
        int status = 0;
        try {
            List<Measurement> results = run(options, workDir);
            System.out.println(header(options));
            System.out.println(ResultTable.format(results));
        } catch (Exception e) {
            progress("failed: " + e + " (server logs in " + workDir + ")");
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // Armeria's shared executors are not daemon threads
    }

    private static List<Measurement> run(BenchOptions options, Path workDir) throws Exception {
        ExecutorService retries = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-retry");
            t.setDaemon(true);
            return t;
        });
        try (KilnServerProcess kiln = startKiln(options, workDir);
             ClientFactory factory = ClientFactory.builder().build()) {
            String kilnAddr = kiln != null ? kiln.hostPort() : options.kilnAddr();
            ApiClients kilnClients = new ApiClients(factory, kilnAddr, options.token(), options);
            AggregatedHttpResponse restAnswer = kilnClients.fetchRest();
            Application grpcAnswer = kilnClients.fetchGrpc();
            progress("Kiln at " + kilnAddr + " answers " + options.appPath() + " with "
                    + restAnswer.content().length() + " bytes of " + restAnswer.contentType());

            Path restBody = Files.write(workDir.resolve("rest-body"), restAnswer.content().array());
            Path application = Files.write(workDir.resolve("application.pb"), grpcAnswer.toByteArray());
            MediaType contentType = restAnswer.contentType() != null ? restAnswer.contentType() : MediaType.JSON_UTF_8;
            try (BareServerProcess bare = BareServerProcess.start(options.serverJvmOpts(),
                    workDir.resolve("bare-server.log"), options.appPath(), contentType.toString(), restBody,
                    application)) {
                ApiClients bareClients = new ApiClients(factory, "127.0.0.1:" + bare.port(), options.token(), options);
                checkSameAnswers(restAnswer, grpcAnswer, bareClients);

                Optional<ProcessHandle> kilnJvm = Optional.ofNullable(kiln).map(KilnServerProcess::handle);
                Optional<ProcessHandle> bareJvm = Optional.of(bare.handle());
                List<Measurement> results = new ArrayList<>();
                results.add(measure("kiln-rest", "REST", kilnClients.restCall(), kilnJvm, options, retries));
                results.add(measure("bare-rest", "REST", bareClients.restCall(), bareJvm, options, retries));
                results.add(measure("kiln-grpc", "gRPC", kilnClients.grpcCall(), kilnJvm, options, retries));
                results.add(measure("bare-grpc", "gRPC", bareClients.grpcCall(), bareJvm, options, retries));
                return results;
            }
        } finally {
            retries.shutdownNow();
        }
    }

    private static KilnServerProcess startKiln(BenchOptions options, Path workDir)
            throws IOException, InterruptedException {
        if (options.kilnAddr() != null) {
            progress("using the running Kiln at " + options.kilnAddr());
            return null;
        }
        progress("starting " + options.kilnHome().resolve("bin/kiln") + " ...");
        KilnServerProcess kiln = KilnServerProcess.start(options.kilnHome(), workDir, options.token(),
                options.serverJvmOpts());
        progress("Kiln ready at " + kiln.hostPort() + " (log: " + kiln.log() + ")");
        return kiln;
    }

    private static void checkSameAnswers(AggregatedHttpResponse restAnswer, Application grpcAnswer,
                                         ApiClients bare) {
        if (!bare.fetchRest().content().equals(restAnswer.content())) {
            throw new IllegalStateException("The bare REST endpoint does not answer Kiln's bytes");
        }
        if (!bare.fetchGrpc().equals(grpcAnswer)) {
            throw new IllegalStateException("The bare gRPC service does not answer Kiln's message");
        }
    }

    private static Measurement measure(String name, String protocol, ClosedLoop.Call call,
                                       Optional<ProcessHandle> server, BenchOptions options, ExecutorService retries)
            throws InterruptedException {
        progress(String.format(Locale.ROOT, "%s: %d clients, warm-up %d-%d s until steady, then %d ms measured ...",
                name, options.concurrency(), options.warmup().toSeconds(), options.maxWarmup().toSeconds(),
                options.duration().toMillis()));
        Measurement m = new ClosedLoop(call, options.concurrency(), retries)
                .run(name, protocol, options.warmup(), options.maxWarmup(), options.duration(), server);
        progress(String.format(Locale.ROOT, "%s: %.0f rps, p50 %.2f ms, p99 %.2f ms, %d errors,"
                + " CPU per request: server %.0f us, client %.0f us (after %.1f s of warm-up)", name, m.rps(), m.p50Ms(),
                m.p99Ms(), m.errors(), m.serverCpuMicrosPerRequest(), m.clientCpuMicrosPerRequest(),
                m.warmup().toMillis() / 1e3));
        return m;
    }

    private static String header(BenchOptions options) {
        return String.join("\n",
                "Kiln control API benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                "machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                        + System.getProperty("java.version"),
                "load: " + options.concurrency() + " closed-loop clients; per case a warm-up of "
                        + options.warmup().toSeconds() + "-" + options.maxWarmup().toSeconds() + " s (until steady), then "
                        + options.duration().toSeconds() + " s measured; servers: "
                        + options.serverJvmOpts() + "; load generator, Kiln and the bare server share the CPU",
                "");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static void progress(String line) {
        System.err.println("[bench] " + line);
    }
}
