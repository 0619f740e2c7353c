package dev.kiln.gateway;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.UnframedGrpcErrorHandler;

import io.grpc.Status;

/**
 * Turns a failed transcoded call into OME's error body: the gRPC status picks the HTTP status,
 * its description becomes the message.
 */
final class TranscodingErrorHandler implements UnframedGrpcErrorHandler {

    @Override
    public HttpResponse handle(ServiceRequestContext ctx, Status status, AggregatedHttpResponse response) {
        return OmeErrors.response(StatusMapping.httpStatus(status.getCode()), status.getDescription())
                        .toHttpResponse();
    }
}
