package dev.kiln.gateway;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InternalServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.ProtoReflectionService;

/**
 * Server reflection under its older name, {@code grpc.reflection.v1alpha.ServerReflection}, beside
 * the v1 service, for clients that only speak v1alpha (older grpcurl, Python's reflection client).
 * Armeria wires up only one reflection service, so this one gets the list of services itself: the
 * reflection implementation reads it from the gRPC {@link Context} as an {@link io.grpc.Server}.
 */
final class LegacyReflection implements ServerInterceptor {

    private volatile Server services;

    /** The v1alpha service definition; {@link #serve} must be called before it takes calls. */
    @SuppressWarnings("deprecation")
    ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(ProtoReflectionService.newInstance(), this);
    }

    /** Describes {@code definitions} to reflection clients. */
    void serve(List<ServerServiceDefinition> definitions) {
        services = new ServiceList(List.copyOf(definitions));
    }

    @Override
    public <I, O> ServerCall.Listener<I> interceptCall(ServerCall<I, O> call, Metadata headers,
                                                       ServerCallHandler<I, O> next) {
        final Context context = Context.current().withValue(InternalServer.SERVER_CONTEXT_KEY, services);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** Only the service list of a server: all reflection asks of it. */
    private static final class ServiceList extends Server {
        private final List<ServerServiceDefinition> definitions;

        ServiceList(List<ServerServiceDefinition> definitions) {
            this.definitions = definitions;
        }

        @Override
        public List<ServerServiceDefinition> getServices() {
            return definitions;
        }

        @Override
        public List<ServerServiceDefinition> getImmutableServices() {
            return definitions;
        }

        @Override
        public List<ServerServiceDefinition> getMutableServices() {
            return List.of();
        }

        @Override
        public Server start() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Server shutdown() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Server shutdownNow() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isShutdown() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isTerminated() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void awaitTermination() {
            throw new UnsupportedOperationException();
        }
    }
}
