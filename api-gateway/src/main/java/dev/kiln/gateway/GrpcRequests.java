package dev.kiln.gateway;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;

/** Tells framed gRPC requests (which pass through untouched) from REST ones. */
final class GrpcRequests {

    private GrpcRequests() {}

    static boolean isGrpc(RequestHeaders headers) {
        final MediaType type = headers.contentType();
        return type != null && "application".equals(type.type()) && type.subtype().startsWith("grpc");
    }
}
