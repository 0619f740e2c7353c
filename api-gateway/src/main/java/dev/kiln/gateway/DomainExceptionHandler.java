package dev.kiln.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.InvalidProtocolBufferException;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.KilnException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.error.ReadOnlyException;
import dev.kiln.api.error.UpstreamException;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Maps what a gRPC service throws, or hands to {@code responseObserver.onError}, to a gRPC
 * {@link Status}: domain exceptions keep their message as the description, a request body that
 * cannot be read becomes {@code INVALID_ARGUMENT}, and anything else is logged once and becomes
 * {@code INTERNAL} with a generic description.
 */
final class DomainExceptionHandler implements GrpcExceptionHandlerFunction {

    private static final Logger logger = LoggerFactory.getLogger(DomainExceptionHandler.class);

    static final String INTERNAL_DESCRIPTION = "Internal Server Error";

    @Override
    public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
        if (cause instanceof KilnException) {
            return toStatus((KilnException) cause);
        }
        if (status.getCode() != Status.Code.UNKNOWN) {
            // Already a status: a StatusRuntimeException, or Status.X.withCause(e) given to onError.
            return status;
        }
        if (cause instanceof InvalidProtocolBufferException || cause instanceof JsonProcessingException) {
            // The request message could not be decoded (e.g. an unknown field in a REST body).
            return Status.INVALID_ARGUMENT.withDescription(RequestBodyErrors.describe(cause)).withCause(cause);
        }
        // Transport conditions Armeria knows (closed stream, timeout, message too large, ...).
        final Status transport = GrpcExceptionHandlerFunction.of().apply(ctx, status, cause, metadata);
        if (transport != null && transport.getCode() != Status.Code.UNKNOWN) {
            return transport;
        }
        logger.error("Unexpected failure in {} {}", ctx.method(), ctx.path(), cause);
        return Status.INTERNAL.withDescription(INTERNAL_DESCRIPTION).withCause(cause);
    }

    static Status toStatus(KilnException e) {
        final Status status;
        if (e instanceof NotFoundException) {
            status = Status.NOT_FOUND;
        } else if (e instanceof ConflictException) {
            status = Status.ALREADY_EXISTS;
        } else if (e instanceof InvalidArgumentException) {
            status = Status.INVALID_ARGUMENT;
        } else if (e instanceof ReadOnlyException) {
            status = Status.PERMISSION_DENIED;
        } else if (e instanceof NotImplementedException) {
            status = Status.UNIMPLEMENTED;
        } else if (e instanceof UpstreamException) {
            status = Status.UNAVAILABLE;
        } else {
            logger.error("Unmapped domain exception {}", e.getClass().getName(), e);
            return Status.INTERNAL.withDescription(INTERNAL_DESCRIPTION).withCause(e);
        }
        return status.withDescription(e.getMessage()).withCause(e);
    }
}
