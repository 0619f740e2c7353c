package dev.kiln.push.internal.task;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.proto.v1.ListPushesRequest;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.proto.v1.StopPushRequest;
import dev.kiln.push.internal.target.PushTargetFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All push tasks: the push API's rules (validation, duplicate ids, reserved tasks), the link to
 * live streams (a task connects when its output stream appears) and persistence (tasks are in
 * the state store before the API answers, and come back at start).
 */
public final class Pusher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pusher.class);

    private final StreamRegistry streams;
    private final PushValidator validator;
    private final PushContext ctx;
    private final Map<String, Push> tasks = new LinkedHashMap<>();

    public Pusher(StreamRegistry streams, StateStore store, PushValidator validator, PushTargetFactory targets,
                  PushTimer timer) {
        this.streams = streams;
        this.validator = validator;
        this.ctx = new PushContext(streams, new PushStore(store), timer, targets);
    }

    /** Creates a task; it connects at once when its stream is live, else it waits in {@code ready}. */
    public PushTask start(StartPushRequest request) {
        PushSpec spec = validator.validate(request);
        LiveStream live = streams.findOutput(spec.stream()).orElse(null);
        if (live != null && !live.tracks().isEmpty()) {
            try {
                TrackPicker.pick(live.tracks(), spec);
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e.getMessage());
            }
        }
        Push task;
        synchronized (this) {
            Push old = tasks.get(spec.key());
            if (old != null && old.active()) {
                throw new ConflictException("A push task with id [" + spec.id() + "] exists already in ["
                        + request.getVhost() + "/" + request.getApp() + "]");
            }
            Progress p = new Progress();
            p.createdTime = ApiTime.format(ctx.timer().now());
            task = new Push(spec, p, ctx);
            task.persist();
            tasks.remove(spec.key());
            tasks.put(spec.key(), task);
        }
        log.info("Push [{}] created: {} to {} ({})", spec.key(), spec.stream(), spec.url(), spec.protocol().apiName());
        if (live != null) {
            task.streamAvailable(live);
        }
        return task.toProto();
    }

    /** Stops a task and closes its connection. */
    public PushTask stop(StopPushRequest request) {
        if (request.getId().isBlank()) {
            throw new InvalidArgumentException("[id] is required");
        }
        Push task;
        synchronized (this) {
            task = tasks.get(request.getVhost() + "/" + request.getApp() + "/" + request.getId());
        }
        if (task == null) {
            throw new NotFoundException("Could not find the push task: [" + request.getVhost() + "/"
                    + request.getApp() + "/" + request.getId() + "]");
        }
        task.stop();
        return task.toProto();
    }

    /** Tasks of an application, or the one with the requested id. */
    public List<PushTask> list(ListPushesRequest request) {
        List<Push> all;
        synchronized (this) {
            all = new ArrayList<>(tasks.values());
        }
        String id = request.hasId() ? request.getId() : "";
        return all.stream()
                .filter(t -> t.spec().stream().vhost().equals(request.getVhost())
                        && t.spec().stream().app().equals(request.getApp())
                        && (id.isEmpty() || t.spec().id().equals(id)))
                .map(Push::toProto)
                .toList();
    }

    /** An output stream appeared (or got its tracks): tasks waiting for it connect. */
    public void streamAvailable(LiveStream stream) {
        if (stream.isInput()) {
            return;
        }
        for (Push t : following(stream)) {
            t.streamAvailable(stream);
        }
    }

    /** An output stream ended: its tasks wait for it in {@code ready}. */
    public void streamClosed(LiveStream stream) {
        if (stream.isInput()) {
            return;
        }
        for (Push t : following(stream)) {
            t.streamClosed(stream);
        }
    }

    private synchronized List<Push> following(LiveStream stream) {
        return tasks.values().stream().filter(t -> t.spec().stream().equals(stream.key())).toList();
    }

    /** Loads the stored tasks and connects those whose stream is live. */
    public void restore() {
        for (PushStore.Stored s : ctx.store().loadAll((key, e) ->
                log.error("Push task [{}] in the state store cannot be read and is skipped: {}", key, e.toString()))) {
            PushSpec spec;
            try {
                spec = validator.validate(s.request());
            } catch (RuntimeException e) {
                log.error("Push task [{}] is no longer valid and is skipped: {}", s.key(), e.getMessage());
                continue;
            }
            Progress p = s.progress();
            if (p.state == PushState.STOPPED) {
                continue;
            }
            p.state = PushState.READY;
            Push task = new Push(spec, p, ctx);
            task.persist();
            synchronized (this) {
                tasks.put(spec.key(), task);
            }
            log.info("Push task [{}] restored (sequence {})", spec.key(), p.sequence);
            streams.findOutput(spec.stream()).ifPresent(task::streamAvailable);
        }
    }

    /** Closes every connection; the tasks stay stored and resume at the next start. */
    @Override
    public void close() {
        List<Push> all;
        synchronized (this) {
            all = new ArrayList<>(tasks.values());
        }
        all.forEach(Push::shutdown);
    }
}
