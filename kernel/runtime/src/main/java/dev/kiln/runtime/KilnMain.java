package dev.kiln.runtime;

import dev.kiln.runtime.config.ConfigException;
import dev.kiln.runtime.config.ConfigLoader;
import dev.kiln.runtime.config.ServerConfig;
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

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
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
}
