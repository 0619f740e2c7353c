package dev.kiln.gateway;

import java.util.List;
import java.util.function.Function;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

/**
 * Requires {@code Authorization: Basic …} carrying the access token on every request, REST and
 * gRPC alike, except under the exempt path prefixes (gRPC health, and extra HTTP services that
 * authenticate on their own). A REST request without it gets OME's 401 body; a gRPC call gets
 * {@code UNAUTHENTICATED}. Both carry {@code WWW-Authenticate: Basic realm="Kiln"}.
 */
final class BasicAuthService extends SimpleDecoratingHttpService {

    static final String CHALLENGE = "Basic realm=\"Kiln\"";
    static final String MISSING = "Authorization header is required to call API";
    static final String INVALID = "Invalid credentials";

    /** gRPC {@code UNAUTHENTICATED}. */
    private static final String GRPC_UNAUTHENTICATED = "16";

    private final AccessToken token;
    private final List<String> exemptPrefixes;

    static Function<? super HttpService, BasicAuthService> newDecorator(AccessToken token,
                                                                        List<String> exemptPrefixes) {
        final List<String> exempt = List.copyOf(exemptPrefixes);
        return delegate -> new BasicAuthService(delegate, token, exempt);
    }

    BasicAuthService(HttpService delegate, AccessToken token, List<String> exemptPrefixes) {
        super(delegate);
        this.token = token;
        this.exemptPrefixes = exemptPrefixes;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (isExempt(ctx.path())) {
            return unwrap().serve(ctx, req);
        }
        switch (token.check(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            case VALID:
                return unwrap().serve(ctx, req);
            case MISSING:
                return reject(req, MISSING);
            default:
                return reject(req, INVALID);
        }
    }

    private boolean isExempt(String path) {
        for (String prefix : exemptPrefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse reject(HttpRequest req, String description) {
        if (GrpcRequests.isGrpc(req.headers())) {
            // A trailers-only gRPC answer, so every gRPC client reads UNAUTHENTICATED and the reason.
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
                                                  .contentType(req.headers().contentType())
                                                  .add(HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE)
                                                  .add("grpc-status", GRPC_UNAUTHENTICATED)
                                                  .add("grpc-message", description)
                                                  .endOfStream(true)
                                                  .build());
        }
        final ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
                                                              .add(HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE);
        return OmeErrors.response(headers, HttpStatus.UNAUTHORIZED, description).toHttpResponse();
    }
}
