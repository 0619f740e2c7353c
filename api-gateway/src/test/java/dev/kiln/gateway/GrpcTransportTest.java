package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc.HealthBlockingStub;
import io.grpc.reflection.v1.ServerReflectionGrpc.ServerReflectionStub;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;

/** gRPC-level features: server reflection (v1) and the standard health service. */
class GrpcTransportTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @Test
    void reflectionListsTheServices() throws Exception {
        final ServerReflectionStub stub = gateway.stub(ServerReflectionStub.class);
        final CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        final StreamObserver<ServerReflectionRequest> requests =
                stub.serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());

        final List<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse()
                                            .getServiceList().stream().map(ServiceResponse::getName)
                                            .collect(Collectors.toList());
        requests.onCompleted();
        assertThat(services).contains("kiln.v1.VirtualHostService", "kiln.v1.ApplicationService",
                                      "kiln.v1.OutputProfileService", "kiln.v1.StreamService",
                                      "grpc.health.v1.Health");
    }

    @Test
    void healthReportsServing() {
        final HealthBlockingStub health = gateway.stub(HealthBlockingStub.class);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }
}
