package dev.kiln.recordingtasks.internal;

import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.media.Track;
import dev.kiln.api.record.StreamRecorder;
import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamListener;
import dev.kiln.api.stream.StreamRegistry;
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
import dev.kiln.recordingtasks.internal.input.Inputs;
import dev.kiln.recordingtasks.internal.input.ListenPorts;
import dev.kiln.recordingtasks.internal.task.Tasks;
import dev.kiln.recordingtasks.internal.transcode.Transcodes;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The recording-tasks bundle's component: Callaba's recording API for the kernel (which serves
 * it over gRPC and under {@code /api/recording/*}), on top of the recorder plugin's
 * {@link StreamRecorder}. Domain errors go to {@code onError}; the gateway maps them. The codec
 * plugin's {@link TranscoderFactory} is optional and may come and go; the stream events of
 * every input reach the tasks that transcode it.
 */
@Component(service = {RecordingTaskServiceGrpc.AsyncService.class, StreamListener.class}, immediate = true)
public final class RecordingTasksComponent implements RecordingTaskServiceGrpc.AsyncService, StreamListener {
    private static final RecordingSuccess SUCCESS = RecordingSuccess.newBuilder().setSuccess(true).build();

    private final Transcodes transcodes;
    private final Tasks tasks;
    private volatile TranscoderFactory codec;

    @Activate
    public RecordingTasksComponent(@Reference StreamRegistry streams, @Reference StateStore store,
                                   @Reference StreamRecorder recorder, @Reference ServerSettings settings) {
        ListenPorts ports = new ListenPorts(settings);
        this.transcodes = new Transcodes(streams, () -> Optional.ofNullable(codec));
        this.tasks = new Tasks(store, new Inputs(streams, ports.bind()), ports, recorder, transcodes,
                Clock.systemUTC());
        tasks.restore();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindCodec")
    void bindCodec(TranscoderFactory factory) {
        codec = factory;
        transcodes.codecChanged();
    }

    void unbindCodec(TranscoderFactory factory) {
        if (codec == factory) {
            codec = null;
            transcodes.codecChanged();
        }
    }

    @Override
    public void streamCreated(LiveStream stream) {
        transcodes.inputLive(stream);
    }

    @Override
    public void tracksReady(LiveStream stream, List<Track> tracks) {
        transcodes.inputLive(stream);
    }

    @Override
    public void streamClosed(LiveStream stream) {
        transcodes.inputClosed(stream);
    }

    @Deactivate
    void deactivate() {
        tasks.close();
    }

    @Override
    public void createRecording(RecordingTaskRequest request, StreamObserver<CreateRecordingResponse> out) {
        unary(out, () -> tasks.create(request));
    }

    @Override
    public void updateRecording(RecordingTaskRequest request, StreamObserver<UpdateRecordingResponse> out) {
        unary(out, () -> tasks.update(request));
    }

    @Override
    public void startRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
        unary(out, () -> {
            tasks.start(request.getId());
            return SUCCESS;
        });
    }

    @Override
    public void stopRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
        unary(out, () -> {
            tasks.stop(request.getId());
            return SUCCESS;
        });
    }

    @Override
    public void getAllRecordings(GetAllRecordingsRequest request, StreamObserver<RecordingTaskList> out) {
        unary(out, () -> RecordingTaskList.newBuilder().addAllTasks(tasks.all()).build());
    }

    @Override
    public void getRecordingById(RecordingTaskId request, StreamObserver<RecordingTask> out) {
        unary(out, () -> tasks.get(request.getId()));
    }

    @Override
    public void getRecordingStats(GetRecordingStatsRequest request, StreamObserver<RecordingStatList> out) {
        unary(out, () -> RecordingStatList.newBuilder().addAllStats(tasks.stats()).build());
    }

    @Override
    public void removeRecordingFile(RemoveRecordingFileRequest request, StreamObserver<RecordingSuccess> out) {
        unary(out, () -> {
            tasks.removeFile(request.getRecordId(), request.getFileId());
            return SUCCESS;
        });
    }

    @Override
    public void removeRecording(RecordingTaskId request, StreamObserver<RecordingSuccess> out) {
        unary(out, () -> {
            tasks.remove(request.getId());
            return SUCCESS;
        });
    }

    private static <T> void unary(StreamObserver<T> out, Supplier<T> call) {
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
