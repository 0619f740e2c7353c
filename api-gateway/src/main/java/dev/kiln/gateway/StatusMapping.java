package dev.kiln.gateway;

import com.linecorp.armeria.common.HttpStatus;

import io.grpc.Status;

/** The one mapping from a gRPC status code to the HTTP status of a REST answer. */
final class StatusMapping {

    private StatusMapping() {}

    static HttpStatus httpStatus(Status.Code code) {
        switch (code) {
            case OK:
                return HttpStatus.OK;
            case NOT_FOUND:
                return HttpStatus.NOT_FOUND;
            case ALREADY_EXISTS:
                return HttpStatus.CONFLICT;
            case INVALID_ARGUMENT:
            case FAILED_PRECONDITION:
            case OUT_OF_RANGE:
                return HttpStatus.BAD_REQUEST;
            case PERMISSION_DENIED:
                return HttpStatus.FORBIDDEN;
            case UNAUTHENTICATED:
                return HttpStatus.UNAUTHORIZED;
            case RESOURCE_EXHAUSTED:
                return HttpStatus.REQUEST_ENTITY_TOO_LARGE;
            case UNIMPLEMENTED:
                return HttpStatus.NOT_IMPLEMENTED;
            case UNAVAILABLE:
                return HttpStatus.BAD_GATEWAY;
            case DEADLINE_EXCEEDED:
                return HttpStatus.GATEWAY_TIMEOUT;
            default:
                return HttpStatus.INTERNAL_SERVER_ERROR;
        }
    }
}
