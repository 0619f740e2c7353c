package dev.kiln.runtime.control;

import dev.kiln.api.error.NotImplementedException;
import dev.kiln.proto.v1.CreateRecordingResponse;
import dev.kiln.proto.v1.GetAllRecordingsRequest;
import dev.kiln.proto.v1.GetRecordingStatsRequest;
import dev.kiln.proto.v1.RecordingStatList;
import dev.kiln.proto.v1.RecordingSuccess;
import dev.kiln.proto.v1.RecordingTask;
import dev.kiln.proto.v1.RecordingTaskId;
import dev.kiln.proto.v1.RecordingTaskList;
import dev.kiln.proto.v1.RecordingTaskRequest;
import dev.kiln.proto.v1.RecordingTaskServiceGrpc;
import dev.kiln.proto.v1.RemoveRecordingFileRequest;
import dev.kiln.proto.v1.UpdateRecordingResponse;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Callaba's recording tasks. The recording-tasks plugin registers a
 * {@link RecordingTaskServiceGrpc.AsyncService} in the OSGi service registry and owns every
 * rule; the kernel hands calls to it (gRPC, and the gateway's {@code /api/recording/*} routes).
 * Without the plugin every call answers UNIMPLEMENTED (501).
 */
public final class RecordingTaskControlService extends RecordingTaskServiceGrpc.RecordingTaskServiceImplBase {
    private final Supplier<Optional<RecordingTaskServiceGrpc.AsyncService>> tasks;

    public RecordingTaskControlService(Supplier<Optional<RecordingTaskServiceGrpc.AsyncService>> tasks) {
        this.tasks = tasks;
    }

    @Override
    public void createRecording(RecordingTaskRequest request, StreamObserver<CreateRecordingResponse> out) {
        call(out, s -> s.createRecording(request, out));
    }

    @Override
    public void updateRecording(RecordingTaskRequest request, StreamObserver<UpdateRecordingResponse> out) {
        call(out, s -> s.updateRecording(request, out));
    }

    @Override
    public void startRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
        call(out, s -> s.startRecording(request, out));
    }

    @Override
    public void stopRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
        call(out, s -> s.stopRecording(request, out));
    }

    @Override
    public void getAllRecordings(GetAllRecordingsRequest request, StreamObserver<RecordingTaskList> out) {
        call(out, s -> s.getAllRecordings(request, out));
    }

    @Override
    public void getRecordingById(RecordingTaskId request, StreamObserver<RecordingTask> out) {
        call(out, s -> s.getRecordingById(request, out));
    }

    @Override
    public void getRecordingStats(GetRecordingStatsRequest request, StreamObserver<RecordingStatList> out) {
        call(out, s -> s.getRecordingStats(request, out));
    }

    @Override
    public void removeRecordingFile(RemoveRecordingFileRequest request, StreamObserver<RecordingSuccess> out) {
        call(out, s -> s.removeRecordingFile(request, out));
    }

    @Override
    public void removeRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
        call(out, s -> s.removeRecording(request, out));
    }

    private void call(StreamObserver<?> out, Consumer<RecordingTaskServiceGrpc.AsyncService> body) {
        RecordingTaskServiceGrpc.AsyncService service;
        try {
            service = tasks.get().orElseThrow(() -> new NotImplementedException(
                    "Recording tasks need the recording-tasks plugin, which is not installed"));
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        body.accept(service);
    }
}
