package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

/** gRPC-level features: server reflection (v1 and v1alpha) and the standard health service. */
class GrpcTransportTest {

    private static final String[] SERVICES = {
            "kiln.v1.VirtualHostService", "kiln.v1.ApplicationService", "kiln.v1.OutputProfileService",
            "kiln.v1.StreamService", "grpc.health.v1.Health"};

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    /** Sends one request on a bidirectional reflection call and returns the first answer. */
    private static <Q, R> R ask(Function<StreamObserver<R>, StreamObserver<Q>> call, Q request)
            throws Exception {
        final CompletableFuture<R> answer = new CompletableFuture<>();
        final StreamObserver<Q> requests = call.apply(new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        requests.onNext(request);
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } finally {
            requests.onCompleted();
        }
    }

    @Test
    void reflectionV1ListsTheServices() throws Exception {
        final ServerReflectionStub stub = gateway.stub(ServerReflectionStub.class);
        final ServerReflectionResponse answer =
                ask(stub::serverReflectionInfo, ServerReflectionRequest.newBuilder().setListServices("").build());

        final List<String> services = answer.getListServicesResponse().getServiceList().stream()
                                            .map(ServiceResponse::getName).collect(Collectors.toList());
        assertThat(services).contains(SERVICES).contains("grpc.reflection.v1.ServerReflection");
    }

    @Test
    @SuppressWarnings("deprecation")
    void reflectionV1alphaListsTheServicesAndDescribesThem() throws Exception {
        final io.grpc.reflection.v1alpha.ServerReflectionGrpc.ServerReflectionStub stub =
                gateway.stub(io.grpc.reflection.v1alpha.ServerReflectionGrpc.ServerReflectionStub.class);
        final io.grpc.reflection.v1alpha.ServerReflectionResponse list = ask(
                stub::serverReflectionInfo,
                io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        final List<String> services = list.getListServicesResponse().getServiceList().stream()
                                          .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                                          .collect(Collectors.toList());
        assertThat(services).contains(SERVICES);

        final io.grpc.reflection.v1alpha.ServerReflectionResponse file = ask(
                stub::serverReflectionInfo,
                io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                                                                  .setFileContainingSymbol(
                                                                          "kiln.v1.VirtualHostService")
                                                                  .build());
        assertThat(file.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    }

    @Test
    void healthReportsServing() {
        final HealthBlockingStub health = gateway.stub(HealthBlockingStub.class);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }
}
