package dev.kiln.recorder.internal.api;

import dev.kiln.proto.v1.ListRecordsRequest;
import dev.kiln.proto.v1.ListRecordsResponse;
import dev.kiln.proto.v1.RecordServiceGrpc;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StopRecordRequest;
import dev.kiln.recorder.internal.task.Recorder;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The record API behind the kernel's {@code RecordControlService}: each call runs on the
 * caller's (blocking) thread and answers through the observer; domain exceptions go to
 * {@code onError}, where the kernel maps them to OME's errors.
 */
public final class RecordGrpcService implements RecordServiceGrpc.AsyncService {
    private final Recorder recorder;

    public RecordGrpcService(Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void startRecord(StartRecordRequest request, StreamObserver<RecordTask> out) {
        answer(out, () -> recorder.start(request));
    }

    @Override
    public void stopRecord(StopRecordRequest request, StreamObserver<RecordTask> out) {
        answer(out, () -> recorder.stop(request));
    }

    @Override
    public void listRecords(ListRecordsRequest request, StreamObserver<ListRecordsResponse> out) {
        answer(out, () -> ListRecordsResponse.newBuilder().addAllRecords(recorder.list(request)).build());
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
