package dev.kiln.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;

import io.grpc.stub.AbstractStub;

/**
 * Starts one {@link ApiGateway} on an ephemeral port for a test class, with the small test services
 * in this package (and {@link TestRecordingApi} as an extra HTTP service), and gives REST and gRPC
 * clients that present the access token.
 */
final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

    static final String TOKEN = "test-token";
    static final long MAX_REQUEST_BYTES = 1024 * 1024;

    final MapVirtualHostService vhosts = new MapVirtualHostService();
    final FixedApplicationService apps = new FixedApplicationService();
    final FixedOutputProfileService profiles = new FixedOutputProfileService();
    final RecordingStreamService streams = new RecordingStreamService();
    final FixedTaskServices.Record records = new FixedTaskServices.Record();

    private ApiGateway gateway;

    @Override
    public void beforeAll(ExtensionContext context) {
        gateway = ApiGateway.builder()
                            .port(0)
                            .accessToken(TOKEN)
                            .maxRequestBytes(MAX_REQUEST_BYTES)
                            .addService(vhosts)
                            .addService(apps)
                            .addService(profiles)
                            .addService(streams)
                            .addService(records)
                            .addService(new FixedTaskServices.Push())
                            .addService(new FixedStatsService())
                            .addService(new FixedPluginService())
                            .addHttpService(TestRecordingApi.PREFIX, new TestRecordingApi())
                            .start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        gateway.close();
    }

    String uri() {
        return "http://127.0.0.1:" + gateway.port();
    }

    static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /** A REST client that sends the token. */
    BlockingWebClient rest() {
        return WebClient.builder(uri()).addHeader(HttpHeaderNames.AUTHORIZATION, basic(TOKEN)).build().blocking();
    }

    /** A REST client that sends no credentials. */
    BlockingWebClient anonymous() {
        return BlockingWebClient.of(uri());
    }

    AggregatedHttpResponse get(String path) {
        return rest().get(path);
    }

    AggregatedHttpResponse send(HttpMethod method, String path, String json) {
        return rest().execute(RequestHeaders.builder(method, path).contentType(MediaType.JSON_UTF_8).build(),
                              json);
    }

    /** A gRPC stub over the port; {@code authorization} is sent as metadata unless null. */
    <T extends AbstractStub<T>> T stub(Class<T> type, String authorization) {
        final var builder = GrpcClients.builder(uri());
        if (authorization != null) {
            builder.addHeader(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        return builder.build(type);
    }

    <T extends AbstractStub<T>> T stub(Class<T> type) {
        return stub(type, basic(TOKEN));
    }

    ApiGateway gateway() {
        return gateway;
    }
}
