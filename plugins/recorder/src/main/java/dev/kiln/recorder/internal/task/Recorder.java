package dev.kiln.recorder.internal.task;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.record.Recording;
import dev.kiln.api.record.RecordingRequest;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.proto.v1.ListRecordsRequest;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StopRecordRequest;
import dev.kiln.recorder.internal.mux.WriterFactory;
import dev.kiln.recorder.internal.naming.MacroValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All recording tasks: the record API's rules (validation, duplicate ids, reserved tasks),
 * the link to live streams (a task takes its output stream when it appears) and persistence
 * (tasks are in the state store before the API answers, and come back at start with the
 * files a crash left open finished).
 */
public final class Recorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StreamRegistry streams;
    private final TaskValidator validator;
    private final TaskContext ctx;
    private final Map<String, RecordingTask> tasks = new LinkedHashMap<>();
    /** Recordings of input streams made through the SPI, by name; not stored. */
    private final Map<String, RecordingTask> external = new LinkedHashMap<>();

    public Recorder(StreamRegistry streams, StateStore store, StorageRoots roots, WriterFactory writers, Clock clock) {
        this.streams = streams;
        this.validator = new TaskValidator(roots);
        this.ctx = new TaskContext(new TaskStore(store), roots, writers, clock, new FileFinisher(roots));
    }

    /** Creates a task; it records at once when its stream is live, else it waits in {@code ready}. */
    public RecordTask start(StartRecordRequest request) {
        TaskSpec spec = validator.validate(request);
        LiveStream live = streams.findOutput(spec.stream()).orElse(null);
        if (live != null && !live.tracks().isEmpty()) {
            try {
                TrackSelection.select(live.tracks(), spec.variantNames(), spec.trackIds());
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e.getMessage());
            }
        }
        RecordingTask task;
        synchronized (this) {
            RecordingTask old = tasks.get(spec.key());
            if (old != null && old.state().active()) {
                throw new ConflictException("A record task with id [" + spec.id() + "] exists already in ["
                        + request.getVhost() + "/" + request.getApp() + "]");
            }
            Progress p = new Progress();
            p.transactionId = newTransactionId();
            p.createdTime = ApiTime.format(ctx.now());
            task = new RecordingTask(spec, p, ctx);
            task.persist();
            tasks.remove(spec.key());
            tasks.put(spec.key(), task);
        }
        log.info("Record task [{}] created for {}", spec.key(), spec.stream());
        if (live != null) {
            task.attach(live);
        }
        return task.toProto();
    }

    /** Stops a task and finishes its file. */
    public RecordTask stop(StopRecordRequest request) {
        if (request.getId().isBlank()) {
            throw new InvalidArgumentException("[id] is required");
        }
        RecordingTask task;
        synchronized (this) {
            task = tasks.get(request.getVhost() + "/" + request.getApp() + "/" + request.getId());
        }
        if (task == null) {
            throw new NotFoundException("Could not find the record task: [" + request.getVhost() + "/"
                    + request.getApp() + "/" + request.getId() + "]");
        }
        task.stop();
        return task.toProto();
    }

    /** Tasks of an application, or the one with the requested id. */
    public List<RecordTask> list(ListRecordsRequest request) {
        List<RecordingTask> all;
        synchronized (this) {
            all = new ArrayList<>(tasks.values());
        }
        String id = request.hasId() ? request.getId() : "";
        return all.stream()
                .filter(t -> t.spec().stream().vhost().equals(request.getVhost())
                        && t.spec().stream().app().equals(request.getApp())
                        && (id.isEmpty() || t.spec().id().equals(id)))
                .map(RecordingTask::toProto)
                .toList();
    }

    /**
     * Records an input stream for another bundle (the {@code StreamRecorder} SPI): not stored,
     * not listed by the record API; the caller stops it.
     */
    public Recording record(RecordingRequest request) {
        StartRecordRequest start = StartRecordRequest.newBuilder()
                .setVhost(request.stream().vhost())
                .setApp(request.stream().app())
                .setId(request.name())
                .setStream(dev.kiln.proto.v1.StreamSelector.newBuilder().setName(request.stream().name()))
                .setFilePath(folder(request.folder()) + "${StartTime:YYYYMMDDhhmmss}_${Sequence}."
                        + request.container())
                .setInfoPath(folder(request.folder()) + "recordings.xml")
                .build();
        TaskSpec spec;
        try {
            spec = validator.validate(start, true);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(e.getMessage().replace("[filePath]", "[container]")
                    .replace("[infoPath]", "[folder]"));
        }
        RecordingTask task;
        synchronized (this) {
            RecordingTask old = external.get(request.name());
            if (old != null && old.active()) {
                throw new ConflictException("A recording named [" + request.name() + "] is running");
            }
            Progress p = new Progress();
            p.transactionId = newTransactionId();
            p.createdTime = ApiTime.format(ctx.now());
            task = new RecordingTask(spec, p, ctx, false, request.listener());
            external.put(request.name(), task);
        }
        log.info("Recording [{}] of {} created", request.name(), request.stream());
        streams.findInput(request.stream()).ifPresent(task::attach);
        return new ExternalRecording(task);
    }

    private static String folder(String folder) {
        return folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
    }

    /** A {@link Recording} over one task; stopping it forgets the task. */
    private final class ExternalRecording implements Recording {
        private final RecordingTask task;

        ExternalRecording(RecordingTask task) {
            this.task = task;
        }

        @Override
        public boolean writing() {
            return task.writing();
        }

        @Override
        public long totalBytes() {
            return task.totalBytes();
        }

        @Override
        public String error() {
            return task.state() == TaskState.ERROR ? task.errorMessage() : "";
        }

        @Override
        public void stop() {
            task.stop();
            synchronized (Recorder.this) {
                external.remove(task.spec().id(), task);
            }
        }
    }

    /**
     * A stream appeared (or got its tracks): record tasks waiting for an output stream of that
     * name, and SPI recordings waiting for an input stream of that name, start recording.
     */
    public void streamAvailable(LiveStream stream) {
        for (RecordingTask t : waitingFor(stream.key(), stream.isInput())) {
            t.attach(stream);
        }
    }

    private synchronized List<RecordingTask> waitingFor(StreamKey key, boolean input) {
        return (input ? external : tasks).values().stream()
                .filter(t -> t.spec().stream().equals(key) && t.active()).toList();
    }

    /** Loads the stored tasks, finishing files a crash left open, and attaches live streams. */
    public void restore() {
        for (TaskStore.Stored s : ctx.store().loadAll((key, e) ->
                log.error("Record task [{}] in the state store cannot be read and is skipped: {}", key, e.toString()))) {
            TaskSpec spec;
            try {
                spec = validator.validate(s.request());
            } catch (RuntimeException e) {
                log.error("Record task [{}] is no longer valid and is skipped: {}", s.key(), e.getMessage());
                continue;
            }
            Progress p = s.progress();
            recoverOpenFile(spec, p);
            if (p.state == TaskState.RECORDING || p.state == TaskState.STOPPING) {
                p.state = TaskState.READY;
            }
            RecordingTask task = new RecordingTask(spec, p, ctx);
            task.persist();
            synchronized (this) {
                tasks.put(spec.key(), task);
            }
            log.info("Record task [{}] restored ({}, next sequence {})", spec.key(), p.state.apiName(),
                    p.nextSequence);
            streams.findOutput(spec.stream()).ifPresent(task::attach);
        }
    }

    private void recoverOpenFile(TaskSpec spec, Progress p) {
        if (p.openTemp.isEmpty()) {
            return;
        }
        Path temp = Path.of(p.openTemp);
        p.nextSequence = Math.max(p.nextSequence, p.openSequence + 1);
        if (Files.exists(temp)) {
            OffsetDateTime start = ApiTime.parse(p.openStartTime);
            OffsetDateTime end;
            try {
                end = OffsetDateTime.ofInstant(Files.getLastModifiedTime(temp).toInstant(), ZoneId.systemDefault());
            } catch (IOException e) {
                end = ctx.now();
            }
            long time = start == null ? 0 : Math.max(0, end.toInstant().toEpochMilli() - start.toInstant().toEpochMilli());
            MacroValues values = new MacroValues(p.transactionId, spec.id(), start == null ? end : start, end,
                    spec.stream().vhost(), spec.stream().app(), p.openSourceStream, spec.stream().name(),
                    p.openSequence);
            FileFinisher.Finished done = ctx.finisher().finish(spec, p, temp, values, Path.of(p.openInfo), time, true);
            p.sequence = p.openSequence;
            p.recordBytes = done.bytes();
            p.recordTime = time;
            p.totalRecordBytes += done.bytes();
            p.totalRecordTime += time;
            p.outputFilePath = done.path().toString();
            p.outputInfoPath = p.openInfo;
            log.info("Record task [{}]: finished {} left open by the last run", spec.key(), done.path());
        }
        p.openTemp = "";
    }

    /** Finishes every open file; the tasks stay stored and resume at the next start. */
    @Override
    public void close() {
        List<RecordingTask> all;
        synchronized (this) {
            all = new ArrayList<>(tasks.values());
            all.addAll(external.values());
        }
        all.forEach(RecordingTask::shutdown);
    }

    private static String newTransactionId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
