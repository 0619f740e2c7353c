package dev.kiln.gateway;

import static dev.kiln.gateway.GatewayExtension.TOKEN;
import static dev.kiln.gateway.GatewayExtension.basic;
import static dev.kiln.gateway.Json.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;

import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.VirtualHostServiceGrpc.VirtualHostServiceBlockingStub;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc.HealthBlockingStub;

/** Every route but gRPC health (and extra HTTP services) needs Basic auth with the access token. */
class AuthTest {

    private static final String MISSING = "[HTTP] Authorization header is required to call API (401)";
    private static final String INVALID = "[HTTP] Invalid credentials (401)";

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static AggregatedHttpResponse getWith(String authorization, String path) {
        return WebClient.builder(gateway.uri()).addHeader(HttpHeaderNames.AUTHORIZATION, authorization).build()
                        .blocking().get(path);
    }

    private static void assertChallenge(AggregatedHttpResponse res) {
        assertThat(res.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Basic realm=\"Kiln\"");
    }

    @Test
    void missingCredentialsAre401WithAChallenge() {
        final AggregatedHttpResponse res = gateway.anonymous().get("/v1/vhosts");
        assertError(res, 401, MISSING);
        assertChallenge(res);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong", "kiln:wrong", "test-token:x", ":", ""})
    void wrongCredentialsAre401(String credentials) {
        final AggregatedHttpResponse res = getWith(basic(credentials), "/v1/vhosts");
        assertError(res, 401, INVALID);
        assertChallenge(res);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer test-token", "Basic !!not-base64!!", "Basic"})
    void malformedHeadersAre401(String authorization) {
        assertError(getWith(authorization, "/v1/vhosts"), 401, INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {TOKEN, "kiln:" + TOKEN, ":" + TOKEN, "anyone:" + TOKEN})
    void tokenAloneOrAsThePasswordIsAccepted(String credentials) {
        assertThat(getWith(basic(credentials), "/v1/vhosts").status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertThat(getWith(basic(TOKEN).replace("Basic", "basic"), "/v1/vhosts").status())
                .isEqualTo(HttpStatus.OK);
    }

    @Test
    void docsAndUnknownPathsAreBehindAuth() {
        final AggregatedHttpResponse docs = gateway.anonymous().get("/docs/");
        assertError(docs, 401, MISSING);
        assertChallenge(docs);
        assertError(gateway.anonymous().get("/v1/nope"), 401, MISSING);
    }

    @Test
    void extraHttpServicesDoTheirOwnAuth() {
        assertThat(gateway.anonymous().get("/api/recording/list").status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void grpcWithoutCredentialsIsUnauthenticated() {
        final VirtualHostServiceBlockingStub stub = gateway.stub(VirtualHostServiceBlockingStub.class, null);
        assertThatThrownBy(() -> stub.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("Authorization header is required to call API");
                });
    }

    @Test
    void grpcWithWrongCredentialsIsUnauthenticated() {
        final VirtualHostServiceBlockingStub stub =
                gateway.stub(VirtualHostServiceBlockingStub.class, basic("kiln:wrong"));
        assertThatThrownBy(() -> stub.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("Invalid credentials");
                });
    }

    @Test
    void grpcWithTheTokenAsPasswordWorks() {
        final VirtualHostServiceBlockingStub stub =
                gateway.stub(VirtualHostServiceBlockingStub.class, basic("kiln:" + TOKEN));
        assertThat(stub.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void grpcHealthNeedsNoCredentials() {
        final HealthBlockingStub health = gateway.stub(HealthBlockingStub.class, null);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }
}
