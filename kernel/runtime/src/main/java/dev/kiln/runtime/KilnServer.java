package dev.kiln.runtime;

import dev.kiln.api.storage.StorageRoots;
import dev.kiln.gateway.ApiGateway;
import dev.kiln.gateway.CallabaRecordingApi;
import dev.kiln.osgi.FelixHost;
import dev.kiln.osgi.PluginControlService;
import dev.kiln.runtime.config.ServerConfig;
import dev.kiln.runtime.control.ApplicationControlService;
import dev.kiln.runtime.control.OutputProfileControlService;
import dev.kiln.runtime.control.PushControlService;
import dev.kiln.runtime.control.RecordControlService;
import dev.kiln.runtime.control.RecordingTaskControlService;
import dev.kiln.runtime.control.StatsControlService;
import dev.kiln.runtime.control.StreamControlService;
import dev.kiln.runtime.control.VirtualHostControlService;
import dev.kiln.runtime.media.DefaultStreamRegistry;
import dev.kiln.runtime.media.StreamEvents;
import dev.kiln.runtime.model.VirtualHostRegistry;
import dev.kiln.runtime.state.SqliteStateStore;
import dev.kiln.runtime.tls.CertificateReloader;
import java.time.Clock;
import java.time.Duration;
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
    private KernelServices services;
    private StreamEvents events;
    private DefaultStreamRegistry streams;
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
        services = new KernelServices(felix.context());
        events = new StreamEvents(services::streamListeners);
        streams = new DefaultStreamRegistry(registry, events, Clock.systemDefaultZone(),
                Duration.ofSeconds(config.inputTimeoutSeconds()), services::transcoderFactory);
        services.register(felix.context(), streams, new KilnServerSettings(config), store);
        RecordingTaskControlService recordingTasks = new RecordingTaskControlService(services::recordingTasks);
        gateway = ApiGateway.builder()
                .bindAddress(config.apiBind())
                .port(config.apiPort())
                .accessToken(config.accessToken())
                .addService(new VirtualHostControlService(registry, new CertificateReloader()))
                .addService(new ApplicationControlService(registry))
                .addService(new OutputProfileControlService(registry))
                .addService(new PluginControlService(felix))
                .addService(new StreamControlService(registry, streams, services::pullStreamProviders,
                        services::playbackPublisher, new StorageRoots("dump folders", config.dumpRoots())))
                .addService(new StatsControlService(registry, streams))
                .addService(new RecordControlService(registry, services::recorder))
                .addService(new PushControlService(registry, services::pusher))
                .addService(recordingTasks)
                .addHttpService(CallabaRecordingApi.PREFIX,
                        new CallabaRecordingApi(recordingTasks, config.accessToken()))
                .start();
    }

    /** The bound API port (differs from the configured one when that was 0). */
    public int apiPort() {
        return gateway.port();
    }

    @Override
    public synchronized void close() {
        // The API server's stop waits about 2 s for its acceptor to wind down; let it do so
        // beside the rest instead of before it, so SIGTERM stays well under 5 s.
        Thread gatewayStop = null;
        if (gateway != null) {
            ApiGateway g = gateway;
            gatewayStop = new Thread(() -> closeQuietly("API gateway", g), "kiln-api-stop");
            gatewayStop.start();
            gateway = null;
        }
        // Plugins first (ingest closes its connections, sinks finish their files), then
        // the bus, which ends whatever is still open.
        if (services != null) {
            closeQuietly("kernel services", services);
            services = null;
        }
        if (felix != null) {
            closeQuietly("OSGi host", felix);
            felix = null;
        }
        if (streams != null) {
            closeQuietly("media bus", streams);
            streams = null;
        }
        if (events != null) {
            closeQuietly("stream events", events);
            events = null;
        }
        if (store != null) {
            closeQuietly("state store", store);
            store = null;
        }
        if (gatewayStop != null) {
            try {
                gatewayStop.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
