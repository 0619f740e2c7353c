package dev.kiln.gateway;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

import dev.kiln.api.error.NotFoundException;

/**
 * A stand-in for an extra non-gRPC API mounted with addHttpService: it answers its own JSON
 * shape, checks nothing about credentials, and fails on purpose under /missing and /crash.
 */
final class TestRecordingApi implements HttpService {

    static final String PREFIX = "/api/recording";

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        switch (ctx.path()) {
            case PREFIX + "/missing":
                throw new NotFoundException("Could not find the recording: [r1]");
            case PREFIX + "/crash":
                throw new IllegalStateException("secret internal detail");
            default:
                return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{\"ok\":true}");
        }
    }
}
