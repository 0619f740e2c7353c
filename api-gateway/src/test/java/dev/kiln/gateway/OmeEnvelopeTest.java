package dev.kiln.gateway;

import static dev.kiln.gateway.Json.assertAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;

import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.VirtualHostServiceGrpc.VirtualHostServiceBlockingStub;

/** Successful REST answers carry OME's envelope; batch creates, 201 creates and gRPC do not. */
class OmeEnvelopeTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @BeforeEach
    void clear() {
        gateway.vhosts.clear();
    }

    @Test
    void messageIsWrappedAsResponse() {
        assertAnswer(gateway.get("/v1/vhosts/default/apps"), 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":[\"app\"]}");
    }

    @Test
    void emptyMessageHasNoResponse() {
        assertAnswer(gateway.send(HttpMethod.DELETE, "/v1/vhosts/default/apps/app", ""), 200,
                     "{\"statusCode\":200,\"message\":\"OK\"}");
    }

    @Test
    void emptyListIsStillWrapped() {
        assertAnswer(gateway.get("/v1/vhosts/empty/apps"), 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":[]}");
    }

    @Test
    void batchCreateIsABareArrayWithTheItemsStatus() {
        assertAnswer(gateway.send(HttpMethod.POST, "/v1/vhosts", "[{\"name\":\"a\"},{\"name\":\"b\"}]"), 200,
                     "[{\"statusCode\":200,\"message\":\"OK\",\"response\":{\"name\":\"a\",\"dynamic\":true}}," +
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":{\"name\":\"b\",\"dynamic\":true}}]");

        assertAnswer(gateway.send(HttpMethod.POST, "/v1/vhosts", "[{\"name\":\"a\"}]"), 409,
                     "[{\"statusCode\":409,\"message\":\"Conflict\"}]");
    }

    @Test
    void batchCreateWithMixedResultsIs207() {
        assertAnswer(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/outputProfiles",
                                  "[{\"name\":\"taken\"},{\"name\":\"hd\"}]"), 207,
                     "[{\"statusCode\":409,\"message\":\"Conflict\"}," +
                     "{\"statusCode\":200,\"message\":\"OK\"," +
                     "\"response\":{\"name\":\"hd\",\"outputStreamName\":\"\",\"playlists\":[]}}]");
    }

    @Test
    void pullStreamCreateAnswers201() {
        assertAnswer(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams",
                                  "{\"name\":\"cam1\",\"urls\":[\"rtsp://cam/1\"]}"), 201,
                     "{\"statusCode\":201,\"message\":\"Created\"}");
    }

    @Test
    void restAnswersCarryNoGrpcHeaders() {
        final AggregatedHttpResponse res = gateway.get("/v1/vhosts");
        assertThat(res.headers().names()).noneMatch(name -> name.toString().startsWith("grpc-"));
    }

    @Test
    void grpcAnswersAreNotWrapped() {
        gateway.send(HttpMethod.POST, "/v1/vhosts", "[{\"name\":\"a\"}]");

        final VirtualHostServiceBlockingStub stub = gateway.stub(VirtualHostServiceBlockingStub.class);
        assertThat(stub.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance()).getNamesList())
                .containsExactly("a");
    }

    @Test
    void extraHttpServicesKeepTheirOwnShape() {
        assertAnswer(gateway.anonymous().get("/api/recording/list"), 200, "{\"ok\":true}");
    }
}
