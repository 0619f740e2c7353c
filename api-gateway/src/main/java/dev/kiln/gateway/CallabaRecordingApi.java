package dev.kiln.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

import dev.kiln.api.error.KilnException;
import dev.kiln.proto.v1.GetAllRecordingsRequest;
import dev.kiln.proto.v1.GetRecordingStatsRequest;
import dev.kiln.proto.v1.RecordingTaskId;
import dev.kiln.proto.v1.RecordingTaskRequest;
import dev.kiln.proto.v1.RecordingTaskServiceGrpc;
import dev.kiln.proto.v1.RemoveRecordingFileRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * Callaba Engine's recording API under {@code /api/recording/*}: the access token in
 * {@code x-access-token}, JSON bodies with Callaba's field names, Callaba's answers (create's
 * {@code "success":"true"}, bare arrays for getAll and getStat) and errors as
 * {@code {"success":false,"message":"…"}} with the HTTP status of the domain error. Every rule
 * is in the {@link RecordingTaskServiceGrpc} service it calls, the one gRPC clients reach; the
 * calls run on the blocking pool, never on the event loop.
 */
public final class CallabaRecordingApi implements HttpService {

    public static final String PREFIX = "/api/recording";
    static final String TOKEN_HEADER = "x-access-token";

    private static final Logger logger = LoggerFactory.getLogger(CallabaRecordingApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CALL_SECONDS = 30;

    private final RecordingTaskServiceGrpc.AsyncService service;
    private final byte[] token;

    public CallabaRecordingApi(RecordingTaskServiceGrpc.AsyncService service, String accessToken) {
        if (accessToken == null || accessToken.isEmpty()) {
            throw new IllegalArgumentException("accessToken is required");
        }
        this.service = service;
        this.token = accessToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        final String presented = req.headers().get(TOKEN_HEADER);
        if (presented == null || presented.isEmpty()) {
            return error(HttpStatus.UNAUTHORIZED, "The access token is missing: send it in the x-access-token header");
        }
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token)) {
            return error(HttpStatus.UNAUTHORIZED, "The access token in x-access-token is not valid");
        }
        final String path = ctx.path();
        final String action = path.startsWith(PREFIX + "/") ? path.substring(PREFIX.length() + 1) : "";
        final HttpMethod method = req.method();
        final HttpMethod wanted = "remove".equals(action) ? HttpMethod.DELETE : HttpMethod.POST;
        if (!isAction(action)) {
            return error(HttpStatus.NOT_FOUND, "Unknown recording API method: " + path);
        }
        if (method != wanted) {
            return error(HttpStatus.METHOD_NOT_ALLOWED, path + " takes " + wanted + ", not " + method);
        }
        return HttpResponse.of(req.aggregate().thenApplyAsync(r -> handle(action, r), ctx.blockingTaskExecutor()));
    }

    private static boolean isAction(String action) {
        switch (action) {
            case "create": case "update": case "start": case "stop": case "getAll": case "getById":
            case "getStat": case "removeFile": case "remove":
                return true;
            default:
                return false;
        }
    }

    private HttpResponse handle(String action, AggregatedHttpRequest req) {
        try {
            final String body = req.contentUtf8().isBlank() ? "{}" : req.contentUtf8();
            switch (action) {
                case "create":
                    return answer(call(parse(body, RecordingTaskRequest.newBuilder()), service::createRecording));
                case "update":
                    return answer(call(parse(body, RecordingTaskRequest.newBuilder()), service::updateRecording));
                case "start":
                    return answer(call(parse(body, RecordingTaskId.newBuilder()), service::startRecording));
                case "stop":
                    return answer(call(parse(body, RecordingTaskId.newBuilder()), service::stopRecording));
                case "getAll":
                    return answer(call(GetAllRecordingsRequest.getDefaultInstance(), service::getAllRecordings)
                                          , "tasks");
                case "getById":
                    return answer(call(parse(body, RecordingTaskId.newBuilder()), service::getRecordingById));
                case "getStat":
                    return answer(call(GetRecordingStatsRequest.getDefaultInstance(), service::getRecordingStats),
                                  "stats");
                case "removeFile":
                    return answer(call(parse(body, RemoveRecordingFileRequest.newBuilder()),
                                       service::removeRecordingFile));
                default: { // remove: the id in the body, or as ?id=
                    final RecordingTaskId.Builder id = RecordingTaskId.newBuilder();
                    parse(body, id);
                    final String query = req.headers().path().contains("?")
                                         ? com.linecorp.armeria.common.QueryParams.fromQueryString(
                            req.headers().path().substring(req.headers().path().indexOf('?') + 1)).get("id")
                                         : null;
                    if (id.getId().isEmpty() && query != null) {
                        id.setId(query);
                    }
                    return answer(call(id.build(), service::removeRecording));
                }
            }
        } catch (BadBody e) {
            return error(HttpStatus.BAD_REQUEST, e.getMessage());
        } catch (KilnException e) {
            return error(StatusMapping.httpStatus(DomainExceptionHandler.toStatus(e).getCode()), e.getMessage());
        } catch (StatusRuntimeException e) {
            final String description = e.getStatus().getDescription();
            return error(StatusMapping.httpStatus(e.getStatus().getCode()),
                         description == null ? e.getStatus().getCode().name() : description);
        } catch (RuntimeException e) {
            logger.error("Recording API {} failed", action, e);
            return error(HttpStatus.INTERNAL_SERVER_ERROR, DomainExceptionHandler.INTERNAL_DESCRIPTION);
        }
    }

    @SuppressWarnings("unchecked")
    private static <B extends Message.Builder> Message parse(String body, B builder) {
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(body, builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new BadBody("Invalid request body: " + RequestBodyErrors.describe(e));
        }
    }

    /** Calls a unary method of the service and waits for its answer. */
    @SuppressWarnings("unchecked")
    private static <Q, A> A call(Object request, BiConsumer<Q, StreamObserver<A>> method) {
        final CompletableFuture<A> answer = new CompletableFuture<>();
        method.accept((Q) request, new StreamObserver<A>() {
            @Override
            public void onNext(A value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new IllegalStateException("completed without an answer"));
            }
        });
        try {
            return answer.get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new StatusRuntimeException(Status.DEADLINE_EXCEEDED.withDescription(
                    "The recording service did not answer within " + CALL_SECONDS + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse answer(Object message) {
        return answer(message, null);
    }

    /** The message as JSON with proto field names and numbers as numbers; {@code list}: that field, bare. */
    private static HttpResponse answer(Object message, String list) {
        final Message m = (Message) message;
        try {
            final String printed = JsonFormat.printer().preservingProtoFieldNames()
                                             .alwaysPrintFieldsWithNoPresence().print(m);
            JsonNode json = OmeJsonNumbers.rewrite(JSON.readTree(printed), m.getDescriptorForType());
            if (list != null) {
                json = json.path(list).isMissingNode() ? JSON.createArrayNode() : json.get(list);
            }
            return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, JSON.writeValueAsString(json));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot print " + m.getDescriptorForType().getName(), e);
        }
    }

    static HttpResponse error(HttpStatus status, String message) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("success", false);
        body.put("message", message);
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
    }

    /** A request body that cannot be read. */
    private static final class BadBody extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadBody(String message) {
            super(message, null, false, false);
        }
    }
}
