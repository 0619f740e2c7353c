package dev.kiln.bench.api;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.ApplicationServiceGrpc;
import dev.kiln.proto.v1.GetApplicationRequest;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * The two clients of one server: REST over HTTP/1.1 (one keep-alive connection per concurrent
 * client, as curl or an OME script would use) and gRPC over HTTP/2 (one connection, a stream per
 * concurrent call, as a gRPC channel does). Both send the access token.
 */
final class ApiClients {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient rest;
    private final ApplicationServiceGrpc.ApplicationServiceStub grpc;
    private final String path;
    private final GetApplicationRequest request;

    ApiClients(ClientFactory factory, String hostPort, String token, BenchOptions options) {
        String authorization = "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
        this.rest = WebClient.builder("h1c://" + hostPort)
                .factory(factory)
                .responseTimeout(TIMEOUT)
                .addHeader(HttpHeaderNames.AUTHORIZATION, authorization)
                .build();
        this.grpc = GrpcClients.builder("h2c://" + hostPort)
                .factory(factory)
                .responseTimeout(TIMEOUT)
                .addHeader(HttpHeaderNames.AUTHORIZATION, authorization)
                .build(ApplicationServiceGrpc.ApplicationServiceStub.class);
        this.path = options.appPath();
        this.request = GetApplicationRequest.newBuilder().setVhost(options.vhost()).setApp(options.app()).build();
    }

    /** One REST answer, whole: what the bare endpoint must serve byte for byte. */
    AggregatedHttpResponse fetchRest() {
        AggregatedHttpResponse answer = rest.get(path).aggregate().join();
        if (!answer.status().equals(HttpStatus.OK)) {
            throw new IllegalStateException("GET " + path + " answered " + answer.status() + ": "
                    + answer.contentUtf8());
        }
        return answer;
    }

    /** One gRPC answer: what the bare gRPC service must return. */
    Application fetchGrpc() {
        return getApplication().join();
    }

    ClosedLoop.Call restCall() {
        return () -> rest.get(path).aggregate().thenApply(r -> r.status().equals(HttpStatus.OK));
    }

    ClosedLoop.Call grpcCall() {
        return () -> getApplication().thenApply(app -> app != null);
    }

    private CompletableFuture<Application> getApplication() {
        CompletableFuture<Application> answer = new CompletableFuture<>();
        grpc.getApplication(request, new StreamObserver<>() {
            @Override
            public void onNext(Application value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.complete(null);
            }
        });
        return answer;
    }
}
