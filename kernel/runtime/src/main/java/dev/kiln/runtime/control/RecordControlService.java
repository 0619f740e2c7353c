package dev.kiln.runtime.control;

import dev.kiln.api.error.NotImplementedException;
import dev.kiln.proto.v1.ListRecordsRequest;
import dev.kiln.proto.v1.ListRecordsResponse;
import dev.kiln.proto.v1.RecordServiceGrpc;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StopRecordRequest;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The record API. The kernel checks that the virtual host and application exist (404), then
 * hands the call to the recorder plugin, which registers a {@link RecordServiceGrpc.AsyncService}
 * in the OSGi service registry. Without the plugin every call answers UNIMPLEMENTED (501).
 */
public final class RecordControlService extends RecordServiceGrpc.RecordServiceImplBase {
    private final VirtualHostRegistry model;
    private final Supplier<Optional<RecordServiceGrpc.AsyncService>> recorder;

    public RecordControlService(VirtualHostRegistry model,
                                Supplier<Optional<RecordServiceGrpc.AsyncService>> recorder) {
        this.model = model;
        this.recorder = recorder;
    }

    @Override
    public void startRecord(StartRecordRequest request, StreamObserver<RecordTask> out) {
        backend(request.getVhost(), request.getApp(), out).ifPresent(r -> r.startRecord(request, out));
    }

    @Override
    public void stopRecord(StopRecordRequest request, StreamObserver<RecordTask> out) {
        backend(request.getVhost(), request.getApp(), out).ifPresent(r -> r.stopRecord(request, out));
    }

    @Override
    public void listRecords(ListRecordsRequest request, StreamObserver<ListRecordsResponse> out) {
        backend(request.getVhost(), request.getApp(), out).ifPresent(r -> r.listRecords(request, out));
    }

    private Optional<RecordServiceGrpc.AsyncService> backend(String vhost, String app, StreamObserver<?> out) {
        try {
            model.app(vhost, app);
            return Optional.of(recorder.get().orElseThrow(() -> new NotImplementedException(
                    "Recording needs the recorder plugin, which is not installed")));
        } catch (RuntimeException e) {
            out.onError(e);
            return Optional.empty();
        }
    }
}
