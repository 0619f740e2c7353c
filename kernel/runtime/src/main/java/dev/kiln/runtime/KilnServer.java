package dev.kiln.runtime;

import dev.kiln.gateway.ApiGateway;
import dev.kiln.osgi.FelixHost;
import dev.kiln.osgi.PluginControlService;
import dev.kiln.proto.v1.PushServiceGrpc;
import dev.kiln.proto.v1.RecordServiceGrpc;
import dev.kiln.proto.v1.StatsServiceGrpc;
import dev.kiln.proto.v1.StreamServiceGrpc;
import dev.kiln.runtime.config.ServerConfig;
import dev.kiln.runtime.control.ApplicationControlService;
import dev.kiln.runtime.control.OutputProfileControlService;
import dev.kiln.runtime.control.VirtualHostControlService;
import dev.kiln.runtime.model.VirtualHostRegistry;
import dev.kiln.runtime.state.SqliteStateStore;
import dev.kiln.runtime.tls.CertificateReloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composed server: state store, model, OSGi host and API gateway. Started parts are
 * stopped in reverse order by {@link #close()}, also when a later part fails to start.
 */
public final class KilnServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KilnServer.class);

    private final ServerConfig config;
    private SqliteStateStore store;
    private FelixHost felix;
    private ApiGateway gateway;

    private KilnServer(ServerConfig config) {
        this.config = config;
    }

    public static KilnServer start(ServerConfig config) {
        KilnServer s = new KilnServer(config);
        try {
            s.startParts();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startParts() {
        store = SqliteStateStore.open(config.stateFile());
        VirtualHostRegistry registry = VirtualHostRegistry.load(config.vhosts(), store);
        felix = FelixHost.start(config.pluginsDir(), config.frameworkStorage());
        gateway = ApiGateway.builder()
                .bindAddress(config.apiBind())
                .port(config.apiPort())
                .accessToken(config.accessToken())
                .addService(new VirtualHostControlService(registry, new CertificateReloader()))
                .addService(new ApplicationControlService(registry))
                .addService(new OutputProfileControlService(registry))
                .addService(new PluginControlService(felix))
                // Backends of these come with the ingest, recorder and push plugins; until
                // then every method answers UNIMPLEMENTED (REST: 501).
                .addService(new StreamServiceGrpc.StreamServiceImplBase() {})
                .addService(new RecordServiceGrpc.RecordServiceImplBase() {})
                .addService(new PushServiceGrpc.PushServiceImplBase() {})
                .addService(new StatsServiceGrpc.StatsServiceImplBase() {})
                .start();
    }

    /** The bound API port (differs from the configured one when that was 0). */
    public int apiPort() {
        return gateway.port();
    }

    @Override
    public synchronized void close() {
        if (gateway != null) {
            closeQuietly("API gateway", gateway);
            gateway = null;
        }
        if (felix != null) {
            closeQuietly("OSGi host", felix);
            felix = null;
        }
        if (store != null) {
            closeQuietly("state store", store);
            store = null;
        }
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Stopping the {} failed: {}", what, e.toString());
        }
    }
}
