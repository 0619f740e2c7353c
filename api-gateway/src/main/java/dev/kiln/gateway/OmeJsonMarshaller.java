package dev.kiln.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;

import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.ServiceRequestContext;

import io.grpc.MethodDescriptor.Marshaller;

/**
 * The JSON marshaller of the gRPC services: parses requests with proto3 JSON (so 64-bit integers
 * are accepted as numbers or strings), and prints REST answers with numbers as OME does
 * ({@link OmeJsonNumbers}). gRPC calls that use JSON framing ({@code application/grpc+json}) get
 * canonical proto3 JSON.
 */
final class OmeJsonMarshaller implements GrpcJsonMarshaller {

    private final GrpcJsonMarshaller proto3;

    /** {@code proto3} prints and parses canonical proto3 JSON. */
    OmeJsonMarshaller(GrpcJsonMarshaller proto3) {
        this.proto3 = proto3;
    }

    @Override
    public <T> void serializeMessage(Marshaller<T> marshaller, T message, OutputStream os) throws IOException {
        if (!(message instanceof Message) || isFramedGrpcCall()) {
            proto3.serializeMessage(marshaller, message, os);
            return;
        }
        final ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        proto3.serializeMessage(marshaller, message, canonical);
        final JsonNode tree = OmeErrors.MAPPER.readTree(canonical.toByteArray());
        final JsonNode rewritten = OmeJsonNumbers.rewrite(tree, ((Message) message).getDescriptorForType());
        os.write(OmeErrors.MAPPER.writeValueAsBytes(rewritten));
    }

    @Override
    public <T> T deserializeMessage(Marshaller<T> marshaller, InputStream is) throws IOException {
        return proto3.deserializeMessage(marshaller, is);
    }

    /**
     * True for a call that came in as framed gRPC. A transcoded REST call is served as gRPC inside
     * the server, but its context still holds the client's REST request.
     */
    private static boolean isFramedGrpcCall() {
        final ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        return ctx != null && GrpcRequests.isGrpc(ctx.request().headers());
    }
}
