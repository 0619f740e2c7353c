package dev.kiln.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.RpcRequest;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

import io.netty.util.AsciiString;

/**
 * Wraps successful transcoded answers in OME's envelope:
 * <ul>
 *   <li>a JSON body becomes {@code {"statusCode":200,"message":"OK","response":<body>}};</li>
 *   <li>an empty message ({@code {}}) becomes {@code {"statusCode":200,"message":"OK"}};</li>
 *   <li>a batch create answer (a non-empty array of objects that each carry {@code statusCode}) stays a
 *       bare array, answered with the items' common status, or 207 when they differ;</li>
 *   <li>the RPCs in {@link #CREATED_METHODS} answer 201 {@code {"statusCode":201,"message":"Created"}}.</li>
 * </ul>
 * gRPC requests and error answers pass through untouched.
 */
final class OmeEnvelopeService extends SimpleDecoratingHttpService {

    /** Full gRPC method names whose successful REST answer is 201 Created (OME's pull stream create). */
    static final Set<String> CREATED_METHODS = Set.of("kiln.v1.StreamService/CreatePullStream");

    private static final byte[] OK_PREFIX = utf8("{\"statusCode\":200,\"message\":\"OK\",\"response\":");
    private static final byte[] OK = utf8("{\"statusCode\":200,\"message\":\"OK\"}");
    private static final byte[] CREATED = utf8("{\"statusCode\":201,\"message\":\"Created\"}");

    /** Transcoding copies gRPC headers (status, encodings) into the REST answer; they mean nothing there. */
    private static final AsciiString GRPC_HEADER_PREFIX = AsciiString.of("grpc-");

    static Function<? super HttpService, OmeEnvelopeService> newDecorator() {
        return OmeEnvelopeService::new;
    }

    OmeEnvelopeService(HttpService delegate) {
        super(delegate);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        final HttpResponse res = unwrap().serve(ctx, req);
        if (GrpcRequests.isGrpc(req.headers())) {
            return res;
        }
        return HttpResponse.of(res.aggregate().thenApply(agg -> envelope(ctx, agg).toHttpResponse()));
    }

    private static AggregatedHttpResponse envelope(ServiceRequestContext ctx, AggregatedHttpResponse res) {
        final MediaType type = res.contentType();
        if (res.status() != HttpStatus.OK || type == null || !type.is(MediaType.JSON)) {
            return res;
        }
        final RpcRequest rpc = ctx.rpcRequest();
        if (rpc != null && CREATED_METHODS.contains(rpc.serviceName() + '/' + rpc.method())) {
            return json(res, HttpStatus.CREATED, CREATED);
        }
        final byte[] body = res.content().array();
        final int first = nextNonWhitespace(body, 0);
        if (first < 0) {
            return res;
        }
        if (isEmptyObject(body, first)) {
            return json(res, HttpStatus.OK, OK);
        }
        if (body[first] == '[') {
            final JsonNode tree = parse(body);
            if (tree != null && isBatchResult(tree)) {
                return json(res, batchStatus(tree), body);
            }
        }
        final byte[] wrapped = new byte[OK_PREFIX.length + body.length + 1];
        System.arraycopy(OK_PREFIX, 0, wrapped, 0, OK_PREFIX.length);
        System.arraycopy(body, 0, wrapped, OK_PREFIX.length, body.length);
        wrapped[wrapped.length - 1] = '}';
        return json(res, HttpStatus.OK, wrapped);
    }

    /** A non-empty array whose items are all objects with an integer {@code statusCode}. */
    private static boolean isBatchResult(JsonNode tree) {
        if (!tree.isArray() || tree.isEmpty()) {
            return false;
        }
        for (JsonNode item : tree) {
            if (!item.isObject() || !item.path("statusCode").isInt()) {
                return false;
            }
        }
        return true;
    }

    private static HttpStatus batchStatus(JsonNode items) {
        final int common = items.get(0).get("statusCode").intValue();
        for (JsonNode item : items) {
            if (item.get("statusCode").intValue() != common) {
                return HttpStatus.MULTI_STATUS;
            }
        }
        return HttpStatus.valueOf(common);
    }

    private static AggregatedHttpResponse json(AggregatedHttpResponse res, HttpStatus status, byte[] body) {
        final ResponseHeadersBuilder headers = res.headers().toBuilder();
        headers.status(status).contentType(MediaType.JSON_UTF_8);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        for (AsciiString name : res.headers().names()) {
            if (name.startsWith(GRPC_HEADER_PREFIX)) {
                headers.remove(name);
            }
        }
        return AggregatedHttpResponse.of(headers.build(), HttpData.wrap(body));
    }

    private static int nextNonWhitespace(byte[] body, int from) {
        for (int i = from; i < body.length; i++) {
            if (!Character.isWhitespace(body[i])) {
                return i;
            }
        }
        return -1;
    }

    /** {@code {}} with any whitespace around or inside: what an empty message prints as. */
    private static boolean isEmptyObject(byte[] body, int first) {
        if (body[first] != '{') {
            return false;
        }
        final int close = nextNonWhitespace(body, first + 1);
        return close > 0 && body[close] == '}' && nextNonWhitespace(body, close + 1) < 0;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return OmeErrors.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
