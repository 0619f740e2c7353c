package dev.kiln.recordingtasks.internal.task;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.record.RecordedFile;
import dev.kiln.api.record.RecordingRequest;
import dev.kiln.api.record.StreamRecorder;
import dev.kiln.api.state.StateStore;
import dev.kiln.proto.v1.CreateRecordingResponse;
import dev.kiln.proto.v1.RecordingStat;
import dev.kiln.proto.v1.RecordingTask;
import dev.kiln.proto.v1.RecordingTaskRequest;
import dev.kiln.proto.v1.UpdateRecordingResponse;
import dev.kiln.recordingtasks.internal.input.InputSource;
import dev.kiln.recordingtasks.internal.input.Inputs;
import dev.kiln.recordingtasks.internal.input.Listen;
import dev.kiln.recordingtasks.internal.input.ListenPorts;
import dev.kiln.recordingtasks.internal.transcode.Transcodes;
import dev.kiln.recordingtasks.internal.transcode.Transcoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every recording task: Callaba's rules (validation, unique names, ids), persistence (a task is
 * in the state store before the API answers, and running ones start again at start-up) and the
 * runs (input + a recording through the recorder plugin's {@link StreamRecorder}). Files go to
 * {@code <data>/records/callaba/<task id>/}.
 *
 * <p>The lock guards the task map only: a run is started and stopped outside it, because the
 * recorder calls back ({@link #fileFinished}) from its own thread while holding its own lock.
 */
public final class Tasks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tasks.class);
    static final String FOLDER = "callaba/";

    private final TaskStore store;
    private final Inputs inputs;
    private final ListenPorts ports;
    private final StreamRecorder recorder;
    private final Transcodes transcodes;
    private final Clock clock;
    private final Map<String, RecordingTask> tasks = new LinkedHashMap<>();
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final ScheduledExecutorService sampler;

    public Tasks(StateStore store, Inputs inputs, ListenPorts ports, StreamRecorder recorder, Transcodes transcodes,
                 Clock clock) {
        this.store = new TaskStore(store);
        this.inputs = inputs;
        this.ports = ports;
        this.recorder = recorder;
        this.transcodes = transcodes;
        this.clock = clock;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "recording-tasks-bitrate");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** Creates a task; it starts at once unless {@code active} is false. */
    public CreateRecordingResponse create(RecordingTaskRequest request) {
        TaskValidator.validate(request);
        String now = ApiTime.format(clock.instant());
        RecordingTask task;
        synchronized (this) {
            checkUniqueName(request.getRecordingName(), "");
            checkListenPort(request.getInput(), "");
            String id = ObjectIds.next(clock.instant());
            RecordingTask.Builder b = RecordingTask.newBuilder().setId(id).setCreated(now).setModified(now);
            define(b, request);
            b.setActive(!request.hasActive() || request.getActive());
            task = b.build();
            store.save(task);
            tasks.put(id, task);
        }
        log.info("Recording task [{}] \"{}\" created ({} from {})", task.getId(), task.getRecordingName(),
                task.getOutputFormat(), task.getInput().getInputType());
        if (task.getActive()) {
            try {
                startRun(task);
            } catch (RuntimeException e) {
                synchronized (this) {
                    tasks.remove(task.getId());
                    store.delete(task.getId());
                }
                throw e;
            }
        }
        return CreateRecordingResponse.newBuilder().setId(task.getId()).setCreated(now).setSuccess("true").build();
    }

    /**
     * Changes a task: the fields given replace the stored ones. A running task goes on with what
     * it was started with; the change applies on its next start. {@code active} given starts or
     * stops it.
     */
    public UpdateRecordingResponse update(RecordingTaskRequest request) {
        String id = requireId(request.getId(), "id");
        String now = ApiTime.format(clock.instant());
        RecordingTask updated;
        boolean start;
        boolean stop;
        synchronized (this) {
            RecordingTask old = find(id);
            RecordingTaskRequest merged = merge(old, request);
            TaskValidator.validate(merged);
            checkUniqueName(merged.getRecordingName(), id);
            checkListenPort(merged.getInput(), id);
            RecordingTask.Builder b = old.toBuilder().setModified(now);
            define(b, merged);
            if (request.hasActive()) {
                b.setActive(request.getActive());
            }
            updated = b.build();
            store.save(updated);
            tasks.put(id, updated);
            start = updated.getActive() && !runs.containsKey(id);
            stop = !updated.getActive() && runs.containsKey(id);
        }
        log.info("Recording task [{}] updated", id);
        if (stop) {
            stopRun(id);
        } else if (start) {
            startRun(updated);
        }
        return UpdateRecordingResponse.newBuilder().setId(id).setUpdated(now).setSuccess(true).build();
    }

    /** Starts a task (nothing when it runs already) with its current definition. */
    public void start(String id) {
        requireId(id, "id");
        RecordingTask task;
        synchronized (this) {
            task = setActive(find(id), true);
            if (runs.containsKey(id)) {
                return;
            }
        }
        startRun(task);
    }

    /** Stops a task: its file is finished. */
    public void stop(String id) {
        requireId(id, "id");
        synchronized (this) {
            setActive(find(id), false);
        }
        stopRun(id);
    }

    public synchronized List<RecordingTask> all() {
        return new ArrayList<>(tasks.values());
    }

    public synchronized RecordingTask get(String id) {
        return find(requireId(id, "id"));
    }

    /** Every task's current bitrate (kbit/s written over the last seconds; 0 when not writing). */
    public synchronized List<RecordingStat> stats() {
        List<RecordingStat> out = new ArrayList<>();
        for (String id : tasks.keySet()) {
            Run run = runs.get(id);
            out.add(RecordingStat.newBuilder().setId(id).setBitrate(run == null ? 0 : run.meter.kilobitsPerSecond())
                    .build());
        }
        return out;
    }

    /** Deletes a recorded file from the disk and from the task's list. */
    public void removeFile(String recordId, String fileId) {
        requireId(recordId, "record_id");
        requireId(fileId, "file_id");
        Path path;
        synchronized (this) {
            RecordingTask task = find(recordId);
            int index = -1;
            for (int i = 0; i < task.getRecordedFilesCount(); i++) {
                if (task.getRecordedFiles(i).getId().equals(fileId)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new NotFoundException("[file_id] no file [" + fileId + "] in recording task [" + recordId + "]");
            }
            path = Path.of(task.getRecordedFiles(index).getPath());
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot delete " + path + ": " + e, e);
            }
            RecordingTask updated = task.toBuilder().removeRecordedFiles(index)
                    .setModified(ApiTime.format(clock.instant())).build();
            store.save(updated);
            tasks.put(recordId, updated);
        }
        log.info("Recording task [{}]: file {} deleted", recordId, path);
    }

    /** Stops and forgets a task; its files stay on disk. */
    public void remove(String id) {
        requireId(id, "id");
        synchronized (this) {
            find(id);
            tasks.remove(id);
            store.delete(id);
        }
        stopRun(id);
        log.info("Recording task [{}] removed", id);
    }

    /** Loads the stored tasks and starts the active ones. */
    public void restore() {
        List<RecordingTask> active = new ArrayList<>();
        for (RecordingTask t : store.loadAll((key, e) ->
                log.error("Recording task [{}] in the state store cannot be read and is skipped: {}", key, e.toString()))) {
            synchronized (this) {
                tasks.put(t.getId(), t);
            }
            if (t.getActive()) {
                active.add(t);
            }
        }
        for (RecordingTask t : active) {
            try {
                startRun(t, true);
            } catch (RuntimeException e) {
                log.error("Recording task [{}] cannot start again: {}", t.getId(), e.getMessage());
            }
        }
    }

    /** Stops every run (files finished); the tasks stay stored as they are and start again next time. */
    @Override
    public void close() {
        sampler.shutdownNow();
        List<Run> all;
        synchronized (this) {
            all = new ArrayList<>(runs.values());
            runs.clear();
        }
        // Side by side: each input may take a second to let go, and the server stops within 5 s.
        List<java.util.concurrent.CompletableFuture<Void>> stops = new ArrayList<>();
        for (Run r : all) {
            stops.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    r.stop();
                } catch (RuntimeException e) {
                    log.warn("Stopping a recording failed: {}", e.toString());
                }
            }));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(stops.toArray(new java.util.concurrent.CompletableFuture[0]))
                    .get(3, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Recordings still stopping at shutdown: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- runs ----

    private void startRun(RecordingTask task) {
        startRun(task, false);
    }

    /** {@code restoring}: a task that transcodes waits for the codec plugin instead of failing. */
    private void startRun(RecordingTask task, boolean restoring) {
        String id = task.getId();
        Listen.of(task.getInput()).ifPresent(ports::probe);
        Transcoding transcoding = task.hasTranscoding() ? Transcoding.of(task.getTranscoding()) : Transcoding.REMUX;
        InputSource source = inputs.open(id, task.getInput());
        InputSource input;
        try {
            input = transcodes.wrap(id, source, transcoding, restoring);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        Run run;
        try {
            run = new Run(input, recorder.record(new RecordingRequest(id, input.stream(), FOLDER + id,
                    TaskValidator.format(task.getOutputFormat()), file -> fileFinished(id, file))));
        } catch (RuntimeException e) {
            input.close();
            throw e;
        }
        Run old;
        synchronized (this) {
            old = runs.put(id, run);
        }
        if (old != null) {
            old.stop();
        }
        log.info("Recording task [{}] records {} into {} ({})", id, input.stream(), task.getOutputFormat(),
                transcoding.remux() ? "as received" : transcoding.describe());
    }

    private void stopRun(String id) {
        Run run;
        synchronized (this) {
            run = runs.remove(id);
        }
        if (run != null) {
            run.stop();
            log.info("Recording task [{}] stopped", id);
        }
    }

    /** The recorder finished a file of task {@code id}: list it. */
    void fileFinished(String id, RecordedFile file) {
        synchronized (this) {
            RecordingTask task = tasks.get(id);
            if (task == null) {
                return; // removed meanwhile
            }
            RecordingTask updated = task.toBuilder().addRecordedFiles(dev.kiln.proto.v1.RecordedFile.newBuilder()
                    .setId(ObjectIds.next(clock.instant()))
                    .setName(file.path().getFileName().toString())
                    .setPath(file.path().toString())
                    .setSize(file.bytes())
                    .setDuration(file.durationMillis() / 1000.0)
                    .setCreated(ApiTime.format(file.start()))).build();
            store.save(updated);
            tasks.put(id, updated);
        }
    }

    private void sample() {
        List<Run> all;
        synchronized (this) {
            all = new ArrayList<>(runs.values());
        }
        long now = System.nanoTime();
        for (Run r : all) {
            try {
                r.sample(now);
            } catch (RuntimeException e) {
                log.warn("Bitrate sample failed: {}", e.toString());
            }
        }
    }

    // ---- helpers ----

    private RecordingTask setActive(RecordingTask task, boolean active) {
        if (task.getActive() == active) {
            return task;
        }
        RecordingTask updated = task.toBuilder().setActive(active).setModified(ApiTime.format(clock.instant())).build();
        store.save(updated);
        tasks.put(task.getId(), updated);
        return updated;
    }

    private RecordingTask find(String id) {
        RecordingTask t = tasks.get(id);
        if (t == null) {
            throw new NotFoundException("Could not find the recording task [" + id + "]");
        }
        return t;
    }

    private void checkUniqueName(String name, String self) {
        for (RecordingTask t : tasks.values()) {
            if (t.getRecordingName().equals(name) && !t.getId().equals(self)) {
                throw new ConflictException("[recording_name] a recording task named \"" + name
                        + "\" exists already: " + t.getId());
            }
        }
    }

    /** A listen port is held by one task at most, and never by one of Kiln's own listeners. */
    private void checkListenPort(dev.kiln.proto.v1.RecordingInput input, String self) {
        Listen wanted = Listen.of(input).orElse(null);
        if (wanted == null) {
            return;
        }
        String kiln = ports.kilnOwner(wanted);
        if (kiln != null) {
            throw ListenPorts.inUse(wanted, kiln);
        }
        for (RecordingTask t : tasks.values()) {
            if (t.getId().equals(self)) {
                continue;
            }
            Listen other = Listen.of(t.getInput()).orElse(null);
            if (other != null && other.port() == wanted.port() && other.udp() == wanted.udp()) {
                throw ListenPorts.usedByTask(wanted, t.getId(), t.getRecordingName());
            }
        }
    }

    private static String requireId(String id, String field) {
        if (id == null || id.isBlank()) {
            throw new InvalidArgumentException("[" + field + "] is required");
        }
        if (!ObjectIds.valid(id)) {
            throw new InvalidArgumentException("[" + field + "] must be 24 hexadecimal digits, got \"" + id + "\"");
        }
        return id;
    }

    /** The stored definition with the request's fields over it. */
    private static RecordingTaskRequest merge(RecordingTask old, RecordingTaskRequest r) {
        RecordingTaskRequest.Builder b = RecordingTaskRequest.newBuilder().setId(old.getId())
                .setRecordingName(old.getRecordingName()).setRecordingType(old.getRecordingType())
                .setInput(old.getInput()).setOutputFormat(old.getOutputFormat());
        if (old.hasTranscoding()) {
            b.setTranscoding(old.getTranscoding());
        }
        if (r.hasRecordingName()) {
            b.setRecordingName(r.getRecordingName());
        }
        if (r.hasRecordingType()) {
            b.setRecordingType(r.getRecordingType());
        }
        if (r.hasInput()) {
            b.setInput(r.getInput());
        }
        if (r.hasOutputFormat()) {
            b.setOutputFormat(r.getOutputFormat());
        }
        if (r.hasTranscoding()) {
            b.setTranscoding(r.getTranscoding());
        }
        return b.build();
    }

    private static void define(RecordingTask.Builder b, RecordingTaskRequest r) {
        b.setRecordingName(r.getRecordingName()).setRecordingType(r.getRecordingType()).setInput(r.getInput())
                .setOutputFormat(TaskValidator.format(r.getOutputFormat()));
        if (r.hasTranscoding()) {
            b.setTranscoding(r.getTranscoding());
        } else {
            b.clearTranscoding();
        }
    }
}
