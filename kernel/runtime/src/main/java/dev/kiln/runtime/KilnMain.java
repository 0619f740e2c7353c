package dev.kiln.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.kiln.runtime.config.ConfigException;
import dev.kiln.runtime.config.ConfigLoader;
import dev.kiln.runtime.config.ServerConfig;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the distribution ({@code bin/kiln}). Reads the configuration, starts the
 * server in the foreground and stops it cleanly on SIGTERM / Ctrl-C.
 */
public final class KilnMain {
    private static final Logger log = LoggerFactory.getLogger(KilnMain.class);

    private KilnMain() {}

    /** Armeria's flag for the size of its shared worker event loop group (API and media). */
    static final String EVENT_LOOPS_PROPERTY = "com.linecorp.armeria.numCommonWorkers";

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        sizeEventLoops(env);
        Path home = Path.of(env.getOrDefault("KILN_HOME", ".")).toAbsolutePath().normalize();
        Path configFile = Path.of(env.getOrDefault("KILN_CONFIG", home.resolve("conf/server.yaml").toString()));
        ServerConfig config;
        try {
            config = new ConfigLoader(env, home, Path.of("").toAbsolutePath()).load(configFile);
        } catch (ConfigException e) {
            log.error("Configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        }
        log.info("Event loops: {} (KILN_EVENT_LOOPS)", System.getProperty(EVENT_LOOPS_PROPERTY));
        logDirectBuffers();
        logHeapPages();
        String version = KilnMain.class.getPackage().getImplementationVersion();
        log.info("Kiln {} starting (config {}, data {}, plugins {})", version == null ? "dev" : version,
                configFile, config.dataDir(), config.pluginsDir());
        KilnServer server;
        try {
            server = KilnServer.start(config);
        } catch (RuntimeException e) {
            log.error("Kiln failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Kiln stopping");
            server.close();
            log.info("Kiln stopped");
            stopped.countDown();
        }, "kiln-shutdown"));
        log.info("Kiln ready: API on {}:{} (REST + gRPC)", config.apiBind(), server.apiPort());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Says whether Netty frees its direct buffers itself on release (what bin/kiln sets up) or
     * leaves them to the JDK's cleaner, which zeroes each new buffer and frees it only after a
     * garbage collection: the second costs the media path CPU.
     */
    private static void logDirectBuffers() {
        if (PlatformDependent.useDirectBufferNoCleaner()) {
            log.info("Direct buffers: freed on release (no cleaner)");
        } else {
            log.warn("Direct buffers: left to the JDK's cleaner, which costs CPU on the media path; "
                    + "start Kiln with bin/kiln, or add --add-opens=java.base/java.nio=ALL-UNNAMED "
                    + "-Dio.netty.tryReflectionSetAccessible=true to the JVM options");
        }
    }

    /** Says whether the heap asked for transparent huge pages (bin/kiln does where the kernel offers them). */
    private static void logHeapPages() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (vm != null && "true".equals(vm.getVMOption("UseTransparentHugePages").getValue())) {
            log.info("Java heap: on transparent huge pages");
        } else {
            log.info("Java heap: on small pages (the kernel's transparent huge pages are off, or "
                    + "-XX:+UseTransparentHugePages is not set)");
        }
    }

    /**
     * One Netty event loop per two cores by default (at least one), for the API and every media
     * connection alike. A media connection wakes its loop for every message or two; the fewer the
     * loops, the more connections each finds ready per wake-up, and the fewer the wake-ups and
     * context switches for the same bytes. Measured with bench/record on two cores, one loop
     * against two: 11 % less CPU at 50 streams; one per core had already been 12 % below
     * Armeria's two per core (bench/rtmp-ingest). KILN_EVENT_LOOPS, or the system property
     * itself in KILN_JAVA_OPTS, sets another number. Must run before anything touches Armeria.
     */
    static void sizeEventLoops(Map<String, String> env) {
        if (System.getProperty(EVENT_LOOPS_PROPERTY) != null) {
            return;
        }
        String configured = env.get("KILN_EVENT_LOOPS");
        int loops = defaultEventLoops(Runtime.getRuntime().availableProcessors());
        if (configured != null && !configured.isBlank()) {
            try {
                loops = Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                loops = -1;
            }
            if (loops <= 0) {
                log.error("Configuration error: KILN_EVENT_LOOPS must be a positive whole number, got '{}'", configured);
                System.exit(2);
            }
        }
        System.setProperty(EVENT_LOOPS_PROPERTY, Integer.toString(loops));
    }

    /** Event loops for a machine with {@code cores} cores when KILN_EVENT_LOOPS is not set. */
    static int defaultEventLoops(int cores) {
        return Math.max(1, cores / 2);
    }
}
