package dev.kiln.gateway;

import java.util.function.Function;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

/**
 * Reads the body of a REST request to {@code /v1/*} as JSON whatever content type it comes with,
 * as OME does: {@code curl -d '[...]'} sends {@code application/x-www-form-urlencoded}, other
 * clients send {@code text/plain} or nothing. Such a request reaches transcoding with
 * {@code Content-Type: application/json}. A body with another explicit type (e.g.
 * {@code application/xml}) is a 400 naming that type. JSON requests, requests without a body and
 * gRPC calls pass through untouched.
 */
final class LenientContentTypeService extends SimpleDecoratingHttpService {

    static final String REST_PREFIX = "/v1/";

    static Function<? super HttpService, LenientContentTypeService> newDecorator() {
        return LenientContentTypeService::new;
    }

    LenientContentTypeService(HttpService delegate) {
        super(delegate);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        final RequestHeaders headers = req.headers();
        final MediaType type = headers.contentType();
        if ((type != null && type.isJson()) || GrpcRequests.isGrpc(headers) ||
            !ctx.path().startsWith(REST_PREFIX)) {
            return unwrap().serve(ctx, req);
        }
        return HttpResponse.of(req.aggregate().thenApply(body -> serveAggregated(ctx, body)));
    }

    private HttpResponse serveAggregated(ServiceRequestContext ctx, AggregatedHttpRequest body) {
        final RequestHeaders headers = body.headers();
        final MediaType type = headers.contentType();
        final HttpRequest request;
        if (body.content().isEmpty()) {
            request = body.toHttpRequest();
        } else if (readsAsJson(type)) {
            request = HttpRequest.of(headers.toBuilder().contentType(MediaType.JSON_UTF_8).build(),
                                     body.content(), body.trailers());
        } else {
            body.content().close();
            return HttpResponse.ofFailure(HttpStatusException.of(
                    HttpStatus.BAD_REQUEST,
                    new IllegalArgumentException("Content-Type " + type.withoutParameters() +
                                                 " is not supported; send application/json")));
        }
        ctx.updateRequest(request);
        try {
            return unwrap().serve(ctx, request);
        } catch (Exception e) {
            return HttpResponse.ofFailure(e);
        }
    }

    /** No content type, a form (what {@code curl -d} sends) or plain text: the body is JSON anyway. */
    private static boolean readsAsJson(MediaType type) {
        return type == null || type.is(MediaType.FORM_DATA) || type.is(MediaType.PLAIN_TEXT);
    }
}
