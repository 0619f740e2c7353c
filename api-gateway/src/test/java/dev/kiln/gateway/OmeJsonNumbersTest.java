package dev.kiln.gateway;

import static dev.kiln.gateway.Json.assertAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.JsonFormat;

import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;

import dev.kiln.proto.v1.GetVirtualHostStatsRequest;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StatsServiceGrpc.StatsServiceBlockingStub;
import dev.kiln.proto.v1.VideoTrackInfo;

/**
 * REST answers print 64-bit integers as JSON numbers and integral Struct numbers without a fraction,
 * as OME does; string fields holding digits stay strings, requests still take either form, and gRPC
 * keeps canonical proto3 JSON.
 */
class OmeJsonNumbersTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static final String TIME = "2026-01-01T00:00:00.000+00:00";

    /** The {@code response} of a 200 OME envelope. */
    private static JsonNode response(AggregatedHttpResponse res) {
        assertThat(res.status().code()).as(res.contentUtf8()).isEqualTo(200);
        final JsonNode body = Json.tree(res.contentUtf8());
        assertThat(body.get("statusCode").intValue()).isEqualTo(200);
        return body.get("response");
    }

    private static String record(String id, String extra) {
        return "{\"id\":\"" + id + "\",\"state\":\"recording\",\"vhost\":\"default\",\"app\":\"app\"," +
               "\"stream\":{\"name\":\"stream_o\",\"variantNames\":[],\"trackIds\":[1]}," + extra +
               "\"recordBytes\":1234,\"recordTime\":5000,\"totalRecordBytes\":123456789012," +
               "\"totalRecordTime\":60000,\"sequence\":0,\"createdTime\":\"" + TIME + "\"}";
    }

    @Test
    void statsPrintInt64FieldsAndMapValuesAsNumbers() {
        final AggregatedHttpResponse res = gateway.get("/v1/stats/current/vhosts/default");
        assertAnswer(res, 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":{" +
                     "\"connections\":{\"rtmppush\":2,\"file\":0,\"llhls\":9007199254740993}," +
                     "\"createdTime\":\"" + TIME + "\",\"lastRecvTime\":\"\",\"lastSentTime\":\"\"," +
                     "\"lastUpdatedTime\":\"\",\"lastThroughputIn\":-1,\"lastThroughputOut\":0," +
                     "\"maxTotalConnectionTime\":\"\",\"maxTotalConnections\":3,\"totalBytesIn\":1234," +
                     "\"totalBytesOut\":9007199254740993,\"totalConnections\":2,\"avgThroughputIn\":0," +
                     "\"avgThroughputOut\":0,\"maxThroughputIn\":0,\"maxThroughputOut\":0}}");
        // Beyond 2^53, exact on the wire: never passed through a double.
        assertThat(res.contentUtf8()).contains("\"totalBytesOut\":9007199254740993");
    }

    @Test
    void recordTaskPrintsNumbersAndTakesInt64AsNumberOrString() {
        final String path = "/v1/vhosts/default/apps/app:startRecord";
        assertAnswer(gateway.send(HttpMethod.POST, path,
                                  "{\"id\":\"r1\",\"stream\":{\"name\":\"stream_o\"},\"interval\":\"60000\"}"),
                     200, "{\"statusCode\":200,\"message\":\"OK\",\"response\":" +
                          record("r1", "\"interval\":60000,") + '}');
        assertThat(((StartRecordRequest) gateway.records.lastRequest.get()).getInterval()).isEqualTo(60000);

        assertAnswer(gateway.send(HttpMethod.POST, path,
                                  "{\"id\":\"r2\",\"stream\":{\"name\":\"stream_o\"},\"interval\":7200000}"),
                     200, "{\"statusCode\":200,\"message\":\"OK\",\"response\":" +
                          record("r2", "\"interval\":7200000,") + '}');
        assertThat(((StartRecordRequest) gateway.records.lastRequest.get()).getInterval()).isEqualTo(7200000);
    }

    @Test
    void repeatedMessagesPickedByResponseBodyPrintNumbers() {
        assertAnswer(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app:records", "{}"), 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":[" +
                     record("r1", "") + ',' + record("r2", "") + "]}");
    }

    @Test
    void jsonNameFieldsPrintNumbers() {
        assertAnswer(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app:startPush",
                                  "{\"id\":\"p1\",\"stream\":{\"name\":\"stream_o\"},\"protocol\":\"rtmp\"," +
                                  "\"url\":\"rtmp://example/live\",\"streamKey\":\"1234\"}"),
                     200, "{\"statusCode\":200,\"message\":\"OK\",\"response\":{" +
                          "\"id\":\"p1\",\"state\":\"pushing\",\"vhost\":\"\",\"app\":\"\"," +
                          "\"protocol\":\"rtmp\",\"url\":\"rtmp://example/live\",\"streamKey\":\"1234\"," +
                          "\"sentBytes\":10,\"sentTime\":20,\"sequence\":1," +
                          "\"totalsentBytes\":4321,\"totalsentTime\":8765," +
                          "\"createdTime\":\"\",\"startTime\":\"\",\"finishTime\":\"\"}}");
    }

    @Test
    void integralStructNumbersLoseTheirFractionOthersStay() {
        final AggregatedHttpResponse res = gateway.get("/v1/vhosts/default/apps/structs");
        assertAnswer(res, 200,
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":{" +
                     "\"name\":\"structs\",\"dynamic\":false,\"type\":\"live\"," +
                     "\"providers\":{\"rtmp\":{},\"webrtc\":{\"timeout\":60000}}," +
                     "\"publishers\":{\"llhls\":{\"framerate\":29.97,\"segmentCount\":3,\"negative\":-2," +
                     "\"bitrate\":\"2500000\",\"sizes\":[1,2.5]}}}}");
        assertThat(res.contentUtf8()).contains("\"timeout\":60000").doesNotContain("60000.0")
                                     .contains("\"framerate\":29.97");
    }

    @Test
    void batchResultsPrintNumbersInsideTheArray() {
        final AggregatedHttpResponse res = gateway.send(
                HttpMethod.POST, "/v1/vhosts/default/apps",
                "[{\"name\":\"a\",\"providers\":{\"webrtc\":{\"timeout\":60000.0}}}," +
                "{\"name\":\"b\",\"publishers\":{\"llhls\":{\"chunkDuration\":0.5,\"partHoldBack\":\"3\"}}}]");
        assertAnswer(res, 200,
                     "[{\"statusCode\":200,\"message\":\"OK\",\"response\":" +
                     "{\"name\":\"a\",\"dynamic\":true,\"providers\":{\"webrtc\":{\"timeout\":60000}}}}," +
                     "{\"statusCode\":200,\"message\":\"OK\",\"response\":" +
                     "{\"name\":\"b\",\"dynamic\":true," +
                     "\"publishers\":{\"llhls\":{\"chunkDuration\":0.5,\"partHoldBack\":\"3\"}}}}]");
    }

    @Test
    void stringFieldsHoldingDigitsStayStrings() {
        final JsonNode input = response(gateway.get("/v1/vhosts/default/apps/app/streams/s1")).get("input");
        final JsonNode video = input.get("tracks").get(0).get("video");
        assertThat(video.get("bitrate").isTextual()).isTrue();
        assertThat(video.get("bitrate").textValue()).isEqualTo("2500000");
        assertThat(video.get("framerate").doubleValue()).isEqualTo(29.97);
        assertThat(video.get("width").intValue()).isEqualTo(1280);
        assertThat(input.get("tracks").get(1).get("audio").get("bitrate").textValue()).isEqualTo("128000");
    }

    @Test
    void nestedRepeatedMessagesAndStringMapsOfAResponseBodyArray() {
        final JsonNode plugins = response(gateway.get("/v1/plugins"));
        assertThat(plugins.get(0).get("id").isIntegralNumber()).isTrue();
        assertThat(plugins.get(0).get("id").longValue()).isEqualTo(7);
        final JsonNode service = plugins.get(0).get("services").get(0);
        assertThat(service.get("id").isIntegralNumber()).isTrue();
        assertThat(service.get("id").longValue()).isEqualTo(42);
        assertThat(service.get("properties").get("service.ranking").isTextual()).isTrue();
    }

    @Test
    void grpcKeepsCanonicalProto3Json() {
        final ConcurrentLinkedQueue<String> frames = new ConcurrentLinkedQueue<>();
        final StatsServiceBlockingStub json =
                GrpcClients.builder(gateway.uri())
                           .serializationFormat(GrpcSerializationFormats.JSON)
                           .addHeader(HttpHeaderNames.AUTHORIZATION, GatewayExtension.basic(GatewayExtension.TOKEN))
                           .decorator((delegate, ctx, req) -> delegate.execute(ctx, req).peekData(
                                   data -> frames.add(data.toStringUtf8())))
                           .build(StatsServiceBlockingStub.class);
        assertThat(json.getVirtualHostStats(GetVirtualHostStatsRequest.getDefaultInstance()))
                .isEqualTo(FixedStatsService.STATS);
        assertThat(String.join("", frames)).containsPattern("\"totalBytesIn\"\\s*:\\s*\"1234\"");

        final StatsServiceBlockingStub binary = gateway.stub(StatsServiceBlockingStub.class);
        assertThat(binary.getVirtualHostStats(GetVirtualHostStatsRequest.getDefaultInstance()))
                .isEqualTo(FixedStatsService.STATS);
    }

    @Test
    void wrappersAndUnsigned64BitIntegersBecomeNumbers() throws InvalidProtocolBufferException {
        final JsonNode int64 = rewrite(Int64Value.of(-5));
        assertThat(int64.isIntegralNumber()).isTrue();
        assertThat(int64.longValue()).isEqualTo(-5);
        // uint64 max: beyond long, still exact.
        final JsonNode max = rewrite(UInt64Value.of(-1L));
        assertThat(max.isBigInteger()).isTrue();
        assertThat(max.bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void protoDoubleFieldsAreNotStructNumbers() throws InvalidProtocolBufferException {
        // Only Struct/Value numbers lose an integral fraction; a declared double keeps its printing.
        final JsonNode video = rewrite(VideoTrackInfo.newBuilder().setFramerate(30).setBitrate("30").build());
        assertThat(video.get("framerate").isDouble()).isTrue();
        assertThat(video.get("bitrate").textValue()).isEqualTo("30");
    }

    private static JsonNode rewrite(Message message) throws InvalidProtocolBufferException {
        final JsonNode canonical = Json.tree(JsonFormat.printer().print(message));
        return OmeJsonNumbers.rewrite(canonical, message.getDescriptorForType());
    }
}
