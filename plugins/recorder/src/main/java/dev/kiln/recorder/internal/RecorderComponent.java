package dev.kiln.recorder.internal;

import dev.kiln.api.record.Recording;
import dev.kiln.api.record.RecordingRequest;
import dev.kiln.api.record.StreamRecorder;
import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamListener;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.media.Track;
import dev.kiln.proto.v1.ListRecordsRequest;
import dev.kiln.proto.v1.ListRecordsResponse;
import dev.kiln.proto.v1.RecordServiceGrpc;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StopRecordRequest;
import dev.kiln.recorder.internal.api.RecordGrpcService;
import dev.kiln.recorder.internal.mux.DefaultWriterFactory;
import dev.kiln.recorder.internal.task.Recorder;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The recorder bundle's component: the record API for the kernel, the {@link StreamRecorder}
 * SPI for other bundles and a stream listener that hands appearing streams to the tasks
 * waiting for them. Recordings go under
 * {@code <data>/records}; {@code KILN_RECORD_ROOTS} (a path list) adds folders they may go to.
 */
@Component(service = {RecordServiceGrpc.AsyncService.class, StreamListener.class, StreamRecorder.class},
        immediate = true)
public final class RecorderComponent implements RecordServiceGrpc.AsyncService, StreamListener, StreamRecorder {
    private final Recorder recorder;
    private final RecordGrpcService api;

    @Activate
    public RecorderComponent(@Reference StreamRegistry streams, @Reference StateStore store,
                             @Reference ServerSettings settings) {
        this.recorder = new Recorder(streams, store, roots(settings), new DefaultWriterFactory(), Clock.systemDefaultZone());
        this.api = new RecordGrpcService(recorder);
        recorder.restore();
    }

    static StorageRoots roots(ServerSettings settings) {
        return StorageRoots.of("record folders", settings.dataDir().resolve("records"),
                System.getenv("KILN_RECORD_ROOTS"));
    }

    @Deactivate
    void deactivate() {
        recorder.close();
    }

    @Override
    public void startRecord(StartRecordRequest request, StreamObserver<RecordTask> out) {
        api.startRecord(request, out);
    }

    @Override
    public void stopRecord(StopRecordRequest request, StreamObserver<RecordTask> out) {
        api.stopRecord(request, out);
    }

    @Override
    public void listRecords(ListRecordsRequest request, StreamObserver<ListRecordsResponse> out) {
        api.listRecords(request, out);
    }

    @Override
    public Recording record(RecordingRequest request) {
        return recorder.record(request);
    }

    @Override
    public void streamCreated(LiveStream stream) {
        recorder.streamAvailable(stream);
    }

    @Override
    public void tracksReady(LiveStream stream, List<Track> tracks) {
        recorder.streamAvailable(stream);
    }
}
