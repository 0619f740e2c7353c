package dev.kiln.gateway;

import static dev.kiln.gateway.Json.assertAnswer;
import static dev.kiln.gateway.Json.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;

import dev.kiln.proto.v1.CreatePullStreamRequest;
import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.VirtualHostServiceGrpc.VirtualHostServiceBlockingStub;

/**
 * A REST body is read as JSON when it comes as a form ({@code curl -d}), as plain text or with no
 * content type at all, as OME reads it; another explicit type is a 400 naming it.
 */
class LenientContentTypeTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @BeforeEach
    void clear() {
        gateway.vhosts.clear();
    }

    /** Sends {@code body} with {@code contentType}, or with no content type when it is null. */
    private static AggregatedHttpResponse send(HttpMethod method, String path, MediaType contentType,
                                               String body) {
        final RequestHeadersBuilder headers = RequestHeaders.builder(method, path);
        if (contentType != null) {
            headers.contentType(contentType);
        }
        final RequestHeaders built = headers.build();
        assertThat(built.contentType()).isEqualTo(contentType);
        return gateway.rest().execute(built, body);
    }

    @Test
    void formBodyAsCurlDashDSendsItIsReadAsJson() {
        assertAnswer(send(HttpMethod.POST, "/v1/vhosts", MediaType.FORM_DATA, "[{\"name\":\"curl\"}]"), 200,
                     "[{\"statusCode\":200,\"message\":\"OK\",\"response\":{\"name\":\"curl\",\"dynamic\":true}}]");
        assertThat(gateway.vhosts.names()).containsExactly("curl");
    }

    @Test
    void bodyWithoutContentTypeIsReadAsJson() {
        assertAnswer(send(HttpMethod.POST, "/v1/vhosts", null, "[{\"name\":\"bare\"}]"), 200,
                     "[{\"statusCode\":200,\"message\":\"OK\",\"response\":{\"name\":\"bare\",\"dynamic\":true}}]");
    }

    @Test
    void plainTextBodyIsReadAsJson() {
        assertThat(send(HttpMethod.POST, "/v1/vhosts", MediaType.PLAIN_TEXT_UTF_8, "[{\"name\":\"text\"}]")
                           .status().code()).isEqualTo(200);
        assertThat(gateway.vhosts.names()).containsExactly("text");
    }

    @Test
    void starBodyWithPathVariablesReachesTheService() {
        assertThat(send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams", MediaType.FORM_DATA,
                        "{\"name\":\"cam1\",\"urls\":[\"rtsp://cam/1\"]}").status().code()).isEqualTo(201);
        final CreatePullStreamRequest request = (CreatePullStreamRequest) gateway.streams.lastRequest.get();
        assertThat(request.getVhost()).isEqualTo("default");
        assertThat(request.getName()).isEqualTo("cam1");
        assertThat(request.getUrlsList()).containsExactly("rtsp://cam/1");
    }

    @Test
    void malformedFormBodyIs400NamingTheJsonProblem() {
        final AggregatedHttpResponse res = send(HttpMethod.POST, "/v1/vhosts", MediaType.FORM_DATA,
                                                "[{\"name\":\"a\",}]");
        assertThat(res.status().code()).isEqualTo(400);
        assertThat(Json.tree(res.contentUtf8()).get("message").textValue())
                .startsWith("[HTTP] Invalid request body: Unexpected character ('}'");
    }

    @Test
    void requestWithoutBodyIsUnchangedWhateverItsContentType() {
        final String ok = "{\"statusCode\":200,\"message\":\"OK\"}";
        assertAnswer(send(HttpMethod.DELETE, "/v1/vhosts/default/apps/app", MediaType.FORM_DATA, ""), 200, ok);
        assertAnswer(send(HttpMethod.DELETE, "/v1/vhosts/default/apps/app", MediaType.parse("application/xml"),
                          ""), 200, ok);
        assertAnswer(send(HttpMethod.DELETE, "/v1/vhosts/default/apps/app", null, ""), 200, ok);
        assertAnswer(send(HttpMethod.GET, "/v1/vhosts/default/apps", MediaType.PLAIN_TEXT, ""), 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":[\"app\"]}");
    }

    @Test
    void otherExplicitContentTypeIs400NamingIt() {
        assertError(send(HttpMethod.POST, "/v1/vhosts", MediaType.parse("application/xml"), "<vhosts/>"), 400,
                    "[HTTP] Invalid request body: Content-Type application/xml is not supported; " +
                    "send application/json (400)");
        assertThat(gateway.vhosts.names()).isEmpty();
    }

    @Test
    void oversizedFormBodyIs413() {
        final String big = "[{\"name\":\"" + "x".repeat((int) GatewayExtension.MAX_REQUEST_BYTES) + "\"}]";
        assertError(send(HttpMethod.POST, "/v1/vhosts", MediaType.FORM_DATA, big), 413,
                    "[HTTP] Request body is larger than 1048576 bytes (413)");
    }

    @Test
    void grpcIsUntouched() {
        send(HttpMethod.POST, "/v1/vhosts", MediaType.FORM_DATA, "[{\"name\":\"g\"}]");
        final VirtualHostServiceBlockingStub stub = gateway.stub(VirtualHostServiceBlockingStub.class);
        assertThat(stub.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance()).getNamesList())
                .containsExactly("g");
    }
}
