package dev.kiln.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.HttpResponseException;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestCancellationException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;

import dev.kiln.api.error.KilnException;
import io.grpc.Status;

/**
 * The server-level error handler: every answer Armeria itself produces (unknown route, wrong
 * method, unreadable or oversized body, a failure in an extra HTTP service) comes out as OME's
 * JSON error body instead of Armeria's plain text.
 */
final class RestErrorHandler implements ServerErrorHandler {

    private static final Logger logger = LoggerFactory.getLogger(RestErrorHandler.class);

    @Nullable
    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        if (cause instanceof KilnException) {
            final Status status = DomainExceptionHandler.toStatus((KilnException) cause);
            return OmeErrors.response(StatusMapping.httpStatus(status.getCode()), status.getDescription())
                            .toHttpResponse();
        }
        if (cause instanceof HttpStatusException || cause instanceof HttpResponseException ||
            cause instanceof ContentTooLargeException || cause instanceof RequestTimeoutException ||
            cause instanceof RequestCancellationException) {
            // Armeria's default turns these into a status, rendered by renderStatus below.
            return null;
        }
        logger.error("Unexpected failure in {} {}", ctx.method(), ctx.path(), cause);
        return OmeErrors.response(HttpStatus.INTERNAL_SERVER_ERROR, null).toHttpResponse();
    }

    @Override
    public AggregatedHttpResponse renderStatus(@Nullable ServiceRequestContext ctx, ServiceConfig config,
                                               @Nullable RequestHeaders headers, HttpStatus status,
                                               @Nullable String description, @Nullable Throwable cause) {
        return OmeErrors.response(status, describe(config, headers, status, description, cause));
    }

    private static String describe(ServiceConfig config, @Nullable RequestHeaders headers, HttpStatus status,
                                   @Nullable String description, @Nullable Throwable cause) {
        switch (status.code()) {
            case 400:
                return cause != null ? RequestBodyErrors.describe(cause) : description;
            case 404:
                return "Could not find the resource" + request(headers);
            case 405:
                return "Method not allowed" + request(headers);
            case 413:
                return "Request body is larger than " + config.maxRequestLength() + " bytes";
            default:
                return description;
        }
    }

    /** {@code : [GET /v1/nope]}, without the query string; empty when the request is unknown. */
    private static String request(@Nullable RequestHeaders headers) {
        if (headers == null) {
            return "";
        }
        final String path = headers.path();
        final int query = path.indexOf('?');
        return ": [" + headers.method() + ' ' + (query < 0 ? path : path.substring(0, query)) + ']';
    }
}
