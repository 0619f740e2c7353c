package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.proto.v1.CreateRecordingResponse;
import dev.kiln.proto.v1.GetAllRecordingsRequest;
import dev.kiln.proto.v1.GetRecordingStatsRequest;
import dev.kiln.proto.v1.RecordedFile;
import dev.kiln.proto.v1.RecordingInput;
import dev.kiln.proto.v1.RecordingStat;
import dev.kiln.proto.v1.RecordingStatList;
import dev.kiln.proto.v1.RecordingSuccess;
import dev.kiln.proto.v1.RecordingTask;
import dev.kiln.proto.v1.RecordingTaskId;
import dev.kiln.proto.v1.RecordingTaskList;
import dev.kiln.proto.v1.RecordingTaskRequest;
import dev.kiln.proto.v1.RecordingTaskServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Callaba's recording routes over a real gateway, against a small service that answers fixed values. */
class CallabaRecordingApiTest {
    private static final String TOKEN = "callaba-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Service SERVICE = new Service();
    private static ApiGateway gateway;

    @BeforeAll
    static void start() {
        gateway = ApiGateway.builder().port(0).accessToken(TOKEN)
                .addHttpService(CallabaRecordingApi.PREFIX, new CallabaRecordingApi(SERVICE, TOKEN)).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static AggregatedHttpResponse call(String token, HttpMethod method, String action, String body) {
        BlockingWebClient client = WebClient.of("http://127.0.0.1:" + gateway.port()).blocking();
        com.linecorp.armeria.common.RequestHeadersBuilder headers = RequestHeaders.builder(method, "/api/recording/" + action)
                .contentType(MediaType.JSON);
        if (token != null) {
            headers.add("x-access-token", token);
        }
        return client.execute(HttpRequest.of(headers.build(), com.linecorp.armeria.common.HttpData.ofUtf8(body)));
    }

    private static JsonNode json(AggregatedHttpResponse r) throws Exception {
        assertThat(r.contentType()).isNotNull();
        assertThat(r.contentType().isJson()).isTrue();
        return JSON.readTree(r.contentUtf8());
    }

    @Test
    void theTokenIsTakenFromXAccessTokenOnly() throws Exception {
        AggregatedHttpResponse none = call(null, HttpMethod.POST, "getAll", "");
        assertThat(none.status().code()).isEqualTo(401);
        assertThat(json(none).path("success").asBoolean(true)).isFalse();
        assertThat(call("wrong", HttpMethod.POST, "getAll", "").status().code()).isEqualTo(401);
        assertThat(call(TOKEN, HttpMethod.POST, "getAll", "").status().code()).isEqualTo(200);
    }

    @Test
    void answersAreCallabasShapes() throws Exception {
        JsonNode created = json(call(TOKEN, HttpMethod.POST, "create",
                "{\"recording_name\":\"n\",\"input\":{\"input_type\":\"T\",\"module_name\":\"x\",\"unknown\":1}}"));
        assertThat(created.path("success").isTextual()).isTrue();
        assertThat(created.path("success").asText()).isEqualTo("true");
        assertThat(created.path("id").asText()).isEqualTo("0123456789abcdef01234567");
        assertThat(SERVICE.lastCreate.get().getInput().getModuleName()).isEqualTo("x");

        JsonNode all = json(call(TOKEN, HttpMethod.POST, "getAll", ""));
        assertThat(all.isArray()).isTrue();
        JsonNode task = all.get(0);
        assertThat(task.path("recording_name").asText()).isEqualTo("n");
        assertThat(task.path("active").asBoolean(true)).isFalse();
        assertThat(task.path("recordedFiles").get(0).path("size").isNumber()).isTrue();
        assertThat(task.path("recordedFiles").get(0).path("size").asLong()).isEqualTo(5_000_000_000L);
        assertThat(task.path("input").has("input_stream_url")).as("unset input fields are left out").isFalse();

        JsonNode stat = json(call(TOKEN, HttpMethod.POST, "getStat", ""));
        assertThat(stat.isArray()).isTrue();
        assertThat(stat.get(0).path("bitrate").isNumber()).isTrue();
        assertThat(stat.get(0).path("bitrate").asLong()).isEqualTo(6500);

        JsonNode removed = json(call(TOKEN, HttpMethod.DELETE, "remove", "{\"id\":\"0123456789abcdef01234567\"}"));
        assertThat(removed.path("success").asBoolean()).isTrue();
        AggregatedHttpResponse byQuery = call(TOKEN, HttpMethod.DELETE, "remove?id=0123456789abcdef01234567", "");
        assertThat(byQuery.status().code()).isEqualTo(200);
    }

    @Test
    void errorsCarryTheDomainStatusAndMessage() throws Exception {
        assertError(call(TOKEN, HttpMethod.POST, "getById", "{\"id\":\"bad\"}"), 400, "[id] bad");
        assertError(call(TOKEN, HttpMethod.POST, "getById", "{\"id\":\"missing\"}"), 404, "no such task");
        assertError(call(TOKEN, HttpMethod.POST, "getById", "{\"id\":\"dup\"}"), 409, "[recording_name]");
        assertError(call(TOKEN, HttpMethod.POST, "getById", "{\"id\":\"crash\"}"), 500, "Internal Server Error");
        assertError(call(TOKEN, HttpMethod.POST, "getById", "{nope"), 400, "Invalid request body");
        assertError(call(TOKEN, HttpMethod.POST, "remove", "{}"), 405, "DELETE");
        assertError(call(TOKEN, HttpMethod.POST, "list", "{}"), 404, "/api/recording/list");
    }

    private static void assertError(AggregatedHttpResponse r, int status, String message) throws Exception {
        assertThat(r.status().code()).as(r.contentUtf8()).isEqualTo(status);
        JsonNode json = json(r);
        assertThat(json.path("success").asBoolean(true)).isFalse();
        assertThat(json.path("message").asText()).contains(message);
    }

    /** Fixed answers; getById fails by id. */
    static final class Service implements RecordingTaskServiceGrpc.AsyncService {
        final AtomicReference<RecordingTaskRequest> lastCreate = new AtomicReference<>();

        @Override
        public void createRecording(RecordingTaskRequest request, StreamObserver<CreateRecordingResponse> out) {
            lastCreate.set(request);
            out.onNext(CreateRecordingResponse.newBuilder().setId("0123456789abcdef01234567")
                    .setCreated("2026-01-01T00:00:00.000Z").setSuccess("true").build());
            out.onCompleted();
        }

        @Override
        public void getAllRecordings(GetAllRecordingsRequest request, StreamObserver<RecordingTaskList> out) {
            out.onNext(RecordingTaskList.newBuilder().addTasks(RecordingTask.newBuilder().setId("0123456789abcdef01234567")
                    .setRecordingName("n").setInput(RecordingInput.newBuilder().setInputType("T"))
                    .addRecordedFiles(RecordedFile.newBuilder().setId("f").setSize(5_000_000_000L))).build());
            out.onCompleted();
        }

        @Override
        public void getRecordingStats(GetRecordingStatsRequest request, StreamObserver<RecordingStatList> out) {
            out.onNext(RecordingStatList.newBuilder().addStats(RecordingStat.newBuilder().setId("a").setBitrate(6500))
                    .build());
            out.onCompleted();
        }

        @Override
        public void removeRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
            out.onNext(RecordingSuccess.newBuilder().setSuccess(request.getId().length() == 24).build());
            out.onCompleted();
        }

        @Override
        public void getRecordingById(RecordingTaskId request, StreamObserver<RecordingTask> out) {
            switch (request.getId()) {
                case "bad" -> out.onError(new InvalidArgumentException("[id] bad"));
                case "missing" -> out.onError(new NotFoundException("no such task"));
                case "dup" -> throw new ConflictException("[recording_name] taken");
                default -> throw new IllegalStateException("secret detail");
            }
        }
    }
}
