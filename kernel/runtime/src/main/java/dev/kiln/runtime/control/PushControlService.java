package dev.kiln.runtime.control;

import dev.kiln.api.error.NotImplementedException;
import dev.kiln.proto.v1.ListPushesRequest;
import dev.kiln.proto.v1.ListPushesResponse;
import dev.kiln.proto.v1.PushServiceGrpc;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.proto.v1.StopPushRequest;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The push API. The kernel checks that the virtual host and application exist (404), then
 * hands the call to the push plugin, which registers a {@link PushServiceGrpc.AsyncService}
 * in the OSGi service registry. Without the plugin every call answers UNIMPLEMENTED (501).
 */
public final class PushControlService extends PushServiceGrpc.PushServiceImplBase {
    private final VirtualHostRegistry model;
    private final Supplier<Optional<PushServiceGrpc.AsyncService>> pusher;

    public PushControlService(VirtualHostRegistry model, Supplier<Optional<PushServiceGrpc.AsyncService>> pusher) {
        this.model = model;
        this.pusher = pusher;
    }

    @Override
    public void startPush(StartPushRequest request, StreamObserver<PushTask> out) {
        backend(request.getVhost(), request.getApp(), out).ifPresent(p -> p.startPush(request, out));
    }

    @Override
    public void stopPush(StopPushRequest request, StreamObserver<PushTask> out) {
        backend(request.getVhost(), request.getApp(), out).ifPresent(p -> p.stopPush(request, out));
    }

    @Override
    public void listPushes(ListPushesRequest request, StreamObserver<ListPushesResponse> out) {
        backend(request.getVhost(), request.getApp(), out).ifPresent(p -> p.listPushes(request, out));
    }

    private Optional<PushServiceGrpc.AsyncService> backend(String vhost, String app, StreamObserver<?> out) {
        try {
            model.app(vhost, app);
            return Optional.of(pusher.get().orElseThrow(() -> new NotImplementedException(
                    "Pushing needs the push plugin, which is not installed")));
        } catch (RuntimeException e) {
            out.onError(e);
            return Optional.empty();
        }
    }
}
