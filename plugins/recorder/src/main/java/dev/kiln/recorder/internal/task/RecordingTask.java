package dev.kiln.recorder.internal.task;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.record.RecordedFile;
import dev.kiln.api.record.RecordingListener;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StreamSelector;
import dev.kiln.recorder.internal.mux.MuxException;
import dev.kiln.recorder.internal.naming.MacroValues;
import dev.kiln.recorder.internal.schedule.SplitPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recording task: its state machine and, while its stream is live, the sink that writes
 * the stream's packets into files. Every method holds the task's lock, so the API thread
 * (start, stop, list), the stream-event thread (attach) and the sink thread (packets) see one
 * consistent task; the sink thread may block on disk while holding it.
 */
public final class RecordingTask {
    private static final Logger log = LoggerFactory.getLogger(RecordingTask.class);
    /** Packets a task's queue holds before the bus drops to the next key frame. */
    static final int QUEUE_SIZE = 2048;

    private final TaskSpec spec;
    private final Progress progress;
    private final TaskContext ctx;
    private final SplitPolicy policy;
    /** Kept in the state store (the record API's tasks), or owned by a caller of the SPI. */
    private final boolean durable;
    private final RecordingListener listener;
    private String errorMessage = "";
    private Session session;
    private OpenFile file;

    RecordingTask(TaskSpec spec, Progress progress, TaskContext ctx) {
        this(spec, progress, ctx, true, null);
    }

    RecordingTask(TaskSpec spec, Progress progress, TaskContext ctx, boolean durable, RecordingListener listener) {
        this.spec = spec;
        this.progress = progress;
        this.ctx = ctx;
        this.policy = spec.splitPolicy();
        this.durable = durable;
        this.listener = listener;
    }

    public TaskSpec spec() {
        return spec;
    }

    public synchronized TaskState state() {
        return progress.state;
    }

    public synchronized String errorMessage() {
        return errorMessage;
    }

    synchronized boolean active() {
        return progress.state.active();
    }

    /** True while a file is open. */
    public synchronized boolean writing() {
        return file != null;
    }

    /** Bytes of every file so far, the open one included. */
    public synchronized long totalBytes() {
        return progress.totalRecordBytes + (file == null ? 0 : file.writer.bytes());
    }

    /** Starts recording {@code stream} (an output stream with the task's name) unless already on it. */
    public synchronized void attach(LiveStream stream) {
        if (!progress.state.active() || (session != null && session.stream == stream)) {
            return;
        }
        if (session != null) {
            endSession(true); // the old stream's end has not reached us yet
        }
        Session s = new Session(stream);
        session = s;
        progress.state = TaskState.RECORDING;
        s.subscription = stream.subscribe(s, "file", QUEUE_SIZE);
        if (session != s) {
            s.subscription.close(); // it failed on its tracks already
            return;
        }
        log.info("Record task [{}] records {}", spec.key(), stream.key());
    }

    /** Stops the task: the file is finished and the task ends in {@code stopped}. */
    public synchronized void stop() {
        if (progress.state == TaskState.STOPPED) {
            return;
        }
        progress.state = TaskState.STOPPING;
        if (session != null) {
            endSession(true);
        }
        progress.state = TaskState.STOPPED;
        progress.finishTime = ApiTime.format(ctx.now());
        if (durable) {
            ctx.store().delete(spec.key());
        }
        log.info("Record task [{}] stopped", spec.key());
    }

    /** Finishes the file and lets go of the stream, keeping the task as it is (server shutdown). */
    public synchronized void shutdown() {
        if (session != null) {
            endSession(true);
            if (progress.state == TaskState.RECORDING) {
                progress.state = TaskState.READY;
            }
            persist();
        }
    }

    /** The stream is gone or is being replaced: finish the file, close the subscription. */
    private void endSession(boolean last) {
        Session s = session;
        session = null;
        finishFile(last);
        if (s.subscription != null) {
            s.subscription.close();
        }
    }

    void persist() {
        if (durable && progress.state != TaskState.STOPPED) {
            ctx.store().save(spec.key(), spec.request(), progress);
        }
    }

    private void fail(String message) {
        log.error("Record task [{}] failed: {}", spec.key(), message);
        errorMessage = message;
        progress.state = TaskState.ERROR;
        if (session != null) {
            endSession(true);
        }
        progress.finishTime = ApiTime.format(ctx.now());
        persist();
    }

    // ---- files ----

    private void openFile(long mediaMillis) {
        OffsetDateTime start = ctx.now();
        int seq = progress.nextSequence;
        String source = session.stream.inputKey().name();
        MacroValues values = new MacroValues(progress.transactionId, spec.id(), start, start, spec.stream().vhost(),
                spec.stream().app(), source, spec.stream().name(), seq);
        Path provisional;
        Path info;
        try {
            provisional = Path.of(ctx.roots().confine(spec.filePath().expand(values)));
            info = Path.of(ctx.roots().confine(spec.infoPath().expand(values)));
        } catch (IllegalArgumentException e) {
            fail("The file path " + e.getMessage());
            return;
        }
        Path temp = provisional.resolveSibling(provisional.getFileName() + ".part");
        progress.openTemp = temp.toString();
        progress.openInfo = info.toString();
        progress.openStartTime = ApiTime.format(start);
        progress.openSourceStream = source;
        progress.openSequence = seq;
        try {
            Files.createDirectories(temp.getParent());
            persist();
            var writer = ctx.writers().open(temp, spec.container(), session.tracks);
            long base = spec.rule() == SegmentationRule.CONTINUITY ? session.baseMillis(mediaMillis) : mediaMillis;
            file = new OpenFile(writer, temp, provisional, info, values, session.tracks,
                    policy.opened(mediaMillis, start.toInstant()), base, mediaMillis);
        } catch (IOException | MuxException e) {
            progress.openTemp = "";
            fail("Cannot create " + temp + ": " + e.getMessage());
            return;
        }
        progress.sequence = seq;
        progress.nextSequence = seq + 1;
        progress.recordBytes = 0;
        progress.recordTime = 0;
        progress.outputFilePath = provisional.toString();
        progress.outputInfoPath = info.toString();
        if (progress.startTime.isEmpty()) {
            progress.startTime = ApiTime.format(start);
        }
        log.info("Record task [{}] writes {} (sequence {})", spec.key(), temp, seq);
    }

    /** Closes the open file (if any), renames it to its final name and lists it in the info file. */
    private void finishFile(boolean last) {
        OpenFile f = file;
        if (f == null) {
            return;
        }
        file = null;
        String closeError = null;
        try {
            f.writer.close();
        } catch (MuxException e) {
            closeError = e.getMessage();
        }
        OffsetDateTime end = ctx.now();
        FileFinisher.Finished done = ctx.finisher().finish(spec, progress, f.temp, f.values.withEndTime(end),
                f.info, f.recordTime(), last);
        progress.recordBytes = done.bytes();
        progress.recordTime = f.recordTime();
        progress.totalRecordBytes += done.bytes();
        progress.totalRecordTime += f.recordTime();
        progress.outputFilePath = done.path().toString();
        progress.openTemp = "";
        persist();
        if (listener != null && closeError == null) {
            try {
                listener.fileFinished(new RecordedFile(done.path(), done.bytes(), f.recordTime(),
                        f.values.startTime(), end));
            } catch (RuntimeException e) {
                log.error("Record task [{}]: the listener of {} failed", spec.key(), done.path(), e);
            }
        }
        if (closeError != null && progress.state != TaskState.ERROR) {
            fail(closeError);
        }
    }

    private void write(MediaPacket p) {
        int index = file.indexOf(p.trackId());
        if (index < 0) {
            return;
        }
        Track t = file.tracks.get(index);
        long base = file.baseMillis * t.timescale() / 1000;
        long dts = p.dts() - base;
        if (dts < 0) {
            return; // belongs before the file's first key frame
        }
        try {
            file.writer.write(index, p.pts() - base, dts, p.keyframe(), p.payload().view());
        } catch (MuxException e) {
            fail(e.getMessage());
            return;
        }
        file.lastMillis = Math.max(file.lastMillis, p.dts() * 1000 / t.timescale());
    }

    // ---- the API view ----

    /** The task as the API shows it. */
    public synchronized RecordTask toProto() {
        var r = spec.request();
        StreamSelector.Builder stream = StreamSelector.newBuilder().setName(r.getStream().getName())
                .addAllVariantNames(r.getStream().getVariantNamesList())
                .addAllTrackIds(r.getStream().getTrackIdsList());
        RecordTask.Builder b = RecordTask.newBuilder()
                .setId(spec.id())
                .setState(progress.state.apiName())
                .setVhost(r.getVhost())
                .setApp(r.getApp())
                .setStream(stream)
                .setSegmentationRule(spec.rule().apiName())
                .setSequence(progress.sequence)
                .setCreatedTime(progress.createdTime);
        if (r.hasInterval()) {
            b.setInterval(r.getInterval());
        }
        if (r.hasSchedule()) {
            b.setSchedule(r.getSchedule());
        }
        if (r.hasFilePath()) {
            b.setFilePath(r.getFilePath());
        }
        if (r.hasInfoPath()) {
            b.setInfoPath(r.getInfoPath());
        }
        if (r.hasMetadata()) {
            b.setMetadata(r.getMetadata());
        }
        if (progress.state == TaskState.ERROR && !errorMessage.isEmpty()) {
            b.setMessage(errorMessage);
        }
        if (!progress.outputFilePath.isEmpty()) {
            b.setOutputFilePath(progress.outputFilePath).setOutputInfoPath(progress.outputInfoPath);
        }
        long bytes = progress.recordBytes;
        long time = progress.recordTime;
        long totalBytes = progress.totalRecordBytes;
        long totalTime = progress.totalRecordTime;
        if (file != null) {
            bytes = file.writer.bytes();
            time = file.recordTime();
            totalBytes += bytes;
            totalTime += time;
        }
        b.setRecordBytes(bytes).setRecordTime(time).setTotalRecordBytes(totalBytes).setTotalRecordTime(totalTime);
        if (!progress.startTime.isEmpty()) {
            b.setStartTime(progress.startTime);
        }
        if (!progress.finishTime.isEmpty()) {
            b.setFinishTime(progress.finishTime);
        }
        return b.build();
    }

    /** The sink of one live occurrence of the stream. */
    private final class Session implements StreamSink {
        final LiveStream stream;
        Subscription subscription;
        List<Track> tracks = List.of();
        boolean hasVideo;
        long base = Long.MIN_VALUE;

        Session(LiveStream stream) {
            this.stream = stream;
        }

        /** The selected track with this id, or null (a loop: it runs for every packet). */
        private Track selectedTrack(int id) {
            for (int i = 0, n = tracks.size(); i < n; i++) {
                Track t = tracks.get(i);
                if (t.id() == id) {
                    return t;
                }
            }
            return null;
        }

        long baseMillis(long mediaMillis) {
            if (base == Long.MIN_VALUE) {
                base = mediaMillis;
            }
            return base;
        }

        @Override
        public void onTracks(List<Track> all) {
            synchronized (RecordingTask.this) {
                if (session != this) {
                    return;
                }
                List<Track> selected;
                try {
                    selected = TrackSelection.select(all, spec.variantNames(), spec.trackIds());
                } catch (IllegalArgumentException e) {
                    fail(e.getMessage());
                    return;
                }
                if (file != null && !file.tracks.equals(selected)) {
                    finishFile(false);
                }
                tracks = selected;
                hasVideo = selected.stream().anyMatch(t -> t.type() == MediaType.VIDEO);
            }
        }

        @Override
        public void onPacket(MediaPacket p) {
            try {
                synchronized (RecordingTask.this) {
                    if (session != this || progress.state != TaskState.RECORDING || tracks.isEmpty()) {
                        return;
                    }
                    Track t = selectedTrack(p.trackId());
                    if (t == null) {
                        return;
                    }
                    long ms = p.dts() * 1000 / t.timescale();
                    boolean resumePoint = p.keyframe() && (!hasVideo || t.type() == MediaType.VIDEO);
                    if (file == null) {
                        if (!resumePoint) {
                            return;
                        }
                        openFile(ms);
                    } else if (resumePoint && policy.due(file.mark, ms, ctx.now().toInstant())) {
                        finishFile(false);
                        openFile(ms);
                    }
                    if (file != null) {
                        write(p);
                    }
                }
            } finally {
                p.payload().release();
            }
        }

        @Override
        public void onEnd() {
            synchronized (RecordingTask.this) {
                if (session != this) {
                    return;
                }
                session = null;
                finishFile(true);
                if (progress.state == TaskState.RECORDING) {
                    progress.state = TaskState.READY;
                    log.info("Record task [{}]: {} ended, waiting for it to come back", spec.key(), stream.key());
                }
                persist();
            }
        }
    }
}
