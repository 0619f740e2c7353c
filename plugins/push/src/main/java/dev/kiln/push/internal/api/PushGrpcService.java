package dev.kiln.push.internal.api;

import dev.kiln.proto.v1.ListPushesRequest;
import dev.kiln.proto.v1.ListPushesResponse;
import dev.kiln.proto.v1.PushServiceGrpc;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.proto.v1.StopPushRequest;
import dev.kiln.push.internal.task.Pusher;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The push API behind the kernel's {@code PushControlService}: each call runs on the caller's
 * (blocking) thread and answers through the observer; domain exceptions go to {@code onError},
 * where the kernel maps them to OME's errors. {@code :startPush} answers one task object, as the
 * newest OME release does (0.15.3 and earlier answered an array).
 */
public final class PushGrpcService implements PushServiceGrpc.AsyncService {
    private final Pusher pusher;

    public PushGrpcService(Pusher pusher) {
        this.pusher = pusher;
    }

    @Override
    public void startPush(StartPushRequest request, StreamObserver<PushTask> out) {
        answer(out, () -> pusher.start(request));
    }

    @Override
    public void stopPush(StopPushRequest request, StreamObserver<PushTask> out) {
        answer(out, () -> pusher.stop(request));
    }

    @Override
    public void listPushes(ListPushesRequest request, StreamObserver<ListPushesResponse> out) {
        answer(out, () -> ListPushesResponse.newBuilder().addAllPushes(pusher.list(request)).build());
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }
}
