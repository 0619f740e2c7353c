package dev.kiln.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.ApplicationResult;
import dev.kiln.proto.v1.ApplicationServiceGrpc;
import dev.kiln.proto.v1.CreateApplicationsRequest;
import dev.kiln.proto.v1.CreateApplicationsResponse;
import dev.kiln.proto.v1.CreateVirtualHostsRequest;
import dev.kiln.proto.v1.Host;
import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.ReloadCertificateRequest;
import dev.kiln.proto.v1.Tls;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.proto.v1.VirtualHostResult;
import dev.kiln.proto.v1.VirtualHostServiceGrpc;
import dev.kiln.runtime.config.DeclaredVirtualHost;
import dev.kiln.runtime.model.VirtualHostRegistry;
import dev.kiln.runtime.state.SqliteStateStore;
import dev.kiln.runtime.tls.CertificateReloader;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServicesTest {
    @TempDir
    Path dir;

    private SqliteStateStore store;
    private VirtualHostRegistry registry;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        store = SqliteStateStore.open(dir.resolve("k.db"));
        registry = VirtualHostRegistry.load(List.of(new DeclaredVirtualHost(
                VirtualHost.newBuilder().setName("default").setHost(Host.newBuilder().addNames("*")).build(),
                List.of(Application.newBuilder().setName("app").build()))), store);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new VirtualHostControlService(registry, new CertificateReloader()))
                .addService(new ApplicationControlService(registry))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        store.close();
    }

    @Test
    void batchCreateAnswersPerItem() {
        var vhosts = VirtualHostServiceGrpc.newBlockingStub(channel);
        var results = vhosts.createVirtualHosts(CreateVirtualHostsRequest.newBuilder()
                .addVhosts(VirtualHost.newBuilder().setName("a").setHost(Host.newBuilder().addNames("a.example")))
                .addVhosts(VirtualHost.newBuilder().setName("default").setHost(Host.newBuilder().addNames("x")))
                .addVhosts(VirtualHost.newBuilder().setHost(Host.newBuilder().addNames("x")))
                .build()).getResultsList();
        assertThat(results).extracting(VirtualHostResult::getStatusCode).containsExactly(200, 409, 400);
        assertThat(results.get(0).getResponse().getDynamic()).isTrue();
        assertThat(results.get(2).getMessage()).contains("[name] is required");
        assertThat(vhosts.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance()).getNamesList())
                .containsExactly("default", "a");

        var apps = ApplicationServiceGrpc.newBlockingStub(channel);
        var appResults = apps.createApplications(CreateApplicationsRequest.newBuilder().setVhost("a")
                .addApps(Application.newBuilder().setName("live"))
                .addApps(Application.newBuilder().setName("live")).build()).getResultsList();
        assertThat(appResults).extracting(ApplicationResult::getStatusCode).containsExactly(200, 409);
        assertThat(appResults.get(0).getResponse().getOutputProfiles().getOutputProfile(0).getOutputStreamName())
                .isEqualTo("${OriginStreamName}");
    }

    @Test
    void emptyBatchAndUnknownVhostFailTheWholeRequest() {
        // Called directly: status mapping of domain errors is the gateway's job.
        var service = new ApplicationControlService(registry);
        assertThat(ControlServicesTest.<CreateApplicationsResponse>errorOf(o -> service.createApplications(
                CreateApplicationsRequest.newBuilder().setVhost("default").build(), o)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("at least one application");
        assertThat(ControlServicesTest.<CreateApplicationsResponse>errorOf(o -> service.createApplications(CreateApplicationsRequest.newBuilder().setVhost("nope")
                .addApps(Application.newBuilder().setName("x")).build(), o)))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("Could not find the virtual host: [nope]");
    }

    private static <T> Throwable errorOf(java.util.function.Consumer<StreamObserver<T>> call) {
        var error = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        call.accept(new StreamObserver<>() {
            @Override
            public void onNext(T value) {}

            @Override
            public void onError(Throwable t) {
                error.set(t);
            }

            @Override
            public void onCompleted() {}
        });
        return error.get();
    }

    @Test
    void certificateReloadFailureIsReported() {
        var vhosts = VirtualHostServiceGrpc.newBlockingStub(channel);
        vhosts.createVirtualHosts(CreateVirtualHostsRequest.newBuilder()
                .addVhosts(VirtualHost.newBuilder().setName("tls").setHost(Host.newBuilder().addNames("t.example")
                        .setTls(Tls.newBuilder().setCertPath(dir.resolve("missing.crt").toString())
                                .setKeyPath(dir.resolve("missing.key").toString()))))
                .build());
        assertThatThrownBy(() -> vhosts.reloadCertificate(ReloadCertificateRequest.newBuilder().setVhost("tls").build()))
                .isInstanceOf(StatusRuntimeException.class);
        // A host without TLS has nothing to reload.
        vhosts.reloadCertificate(ReloadCertificateRequest.newBuilder().setVhost("default").build());
    }
}
