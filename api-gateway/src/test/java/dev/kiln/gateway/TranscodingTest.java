package dev.kiln.gateway;

import static dev.kiln.gateway.Json.assertAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;

import dev.kiln.proto.v1.CreatePullStreamRequest;
import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.StopHlsDumpRequest;
import dev.kiln.proto.v1.VirtualHostServiceGrpc.VirtualHostServiceBlockingStub;

/** REST reaches the gRPC services through transcoding, on the same port as gRPC. */
class TranscodingTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    @BeforeEach
    void clear() {
        gateway.vhosts.clear();
    }

    @Test
    void defaultValuesArePrintedButUnsetOptionalFieldsAreNot() {
        // VideoEncode has only bypass set: its optional fields stay out; the empty images and
        // playlists lists are [].
        assertAnswer(gateway.get("/v1/vhosts/default/apps/app/outputProfiles/bypass_stream"), 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":{" +
                     "\"name\":\"bypass_stream\",\"outputStreamName\":\"${OriginStreamName}\"," +
                     "\"encodes\":{\"videos\":[{\"bypass\":true}]," +
                     "\"audios\":[{\"name\":\"opus\",\"codec\":\"opus\",\"bitrate\":128000," +
                     "\"bypassIfMatch\":{\"codec\":\"eq\"}}]," +
                     "\"images\":[]},\"playlists\":[]}}");
    }

    @Test
    void falseBooleansArePrinted() {
        assertAnswer(gateway.get("/v1/vhosts/default/apps/app"), 200,
                     "{\"statusCode\":200,\"message\":\"OK\"," +
                     "\"response\":{\"name\":\"app\",\"dynamic\":false,\"type\":\"live\"}}");
    }

    @Test
    void emptyListIsAnEmptyArray() {
        assertAnswer(gateway.get("/v1/vhosts"), 200, "{\"statusCode\":200,\"message\":\"OK\",\"response\":[]}");
    }

    @Test
    void topLevelArrayBodyAndPathVariablesReachTheService() {
        gateway.send(HttpMethod.POST, "/v1/vhosts", "[{\"name\":\"edge\",\"host\":{\"names\":[\"*\"]}}]");

        assertAnswer(gateway.get("/v1/vhosts/edge"), 200,
                     "{\"statusCode\":200,\"message\":\"OK\"," +
                     "\"response\":{\"name\":\"edge\",\"dynamic\":true,\"host\":{\"names\":[\"*\"]}}}");
    }

    @Test
    void bodyStarIsMergedWithPathVariables() {
        gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams",
                     "{\"name\":\"cam1\",\"urls\":[\"rtsp://cam/1\"],\"properties\":{\"persistent\":true}}");

        final CreatePullStreamRequest request = (CreatePullStreamRequest) gateway.streams.lastRequest.get();
        assertThat(request.getVhost()).isEqualTo("default");
        assertThat(request.getApp()).isEqualTo("app");
        assertThat(request.getName()).isEqualTo("cam1");
        assertThat(request.getUrlsList()).containsExactly("rtsp://cam/1");
        assertThat(request.getProperties().getPersistent()).isTrue();
    }

    @Test
    void queryParametersMatchLowerCamelCaseAndOriginalNames() {
        final String path = "/v1/vhosts/default/apps/app/streams/s1:stopHlsDump";

        gateway.send(HttpMethod.POST, path + "?outputStreamName=camel&id=d1", "{}");
        StopHlsDumpRequest request = (StopHlsDumpRequest) gateway.streams.lastRequest.get();
        assertThat(request.getOutputStreamName()).isEqualTo("camel");
        assertThat(request.getId()).isEqualTo("d1");
        assertThat(request.getStream()).isEqualTo("s1");

        gateway.send(HttpMethod.POST, path + "?output_stream_name=snake", "{}");
        request = (StopHlsDumpRequest) gateway.streams.lastRequest.get();
        assertThat(request.getOutputStreamName()).isEqualTo("snake");
        assertThat(request.hasId()).isFalse();
    }

    @Test
    void grpcAndRestShareThePortAndTheServices() {
        gateway.send(HttpMethod.POST, "/v1/vhosts", "[{\"name\":\"shared\"}]");

        final VirtualHostServiceBlockingStub stub = gateway.stub(VirtualHostServiceBlockingStub.class);
        assertThat(stub.listVirtualHosts(ListVirtualHostsRequest.getDefaultInstance()).getNamesList())
                .containsExactly("shared");
    }

    @Test
    void docsAreServedAndDescribeTheServices() {
        final AggregatedHttpResponse page = gateway.get("/docs/");
        assertThat(page.status().code()).isEqualTo(200);
        assertThat(page.contentType().subtype()).isEqualTo("html");

        final AggregatedHttpResponse spec = gateway.get("/docs/specification.json");
        assertThat(spec.status().code()).isEqualTo(200);
        assertThat(spec.contentUtf8()).contains("kiln.v1.VirtualHostService")
                                      .doesNotContain("\"statusCode\"");
    }
}
