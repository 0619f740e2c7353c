package dev.kiln.push.internal.task;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.StreamSelector;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.TargetSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push task: its state machine, its connection attempts and, while connected, the sink
 * that hands the stream's packets to the target.
 *
 * <p>Every method holds the task's lock, so the API thread, the stream-event thread, the
 * media bus's delivery thread and the timer thread see one consistent task. Nothing done under
 * the lock blocks: targets connect and write on their own threads, and their futures are
 * followed on the timer thread, never on a network thread.
 *
 * <p>A connection attempt starts when the output stream is live with tracks. When the target
 * accepts, the task subscribes to the stream (the bus starts it at the last key frame) and
 * sends, with timestamps starting at zero for each connection, from a key frame of the first
 * video track on. A refused or dropped connection puts the task in {@code error} and schedules
 * the next attempt ({@link Backoff}); the stream going away puts it in {@code ready} until it
 * comes back.
 */
public final class Push {
    private static final Logger log = LoggerFactory.getLogger(Push.class);
    /** Packets the task's queue on the bus holds before it drops to the next key frame. */
    static final int QUEUE_SIZE = 1024;
    /**
     * A target that has not accepted within this time counts as refusing. Targets time out on
     * their own first (10 s for RTMP, 3 s for SRT) with a better reason; this is the guard.
     */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);

    private final PushSpec spec;
    private final Progress progress;
    private final PushContext ctx;
    private final Backoff backoff = new Backoff();
    /** The live output stream the task follows; null while there is none. */
    private LiveStream stream;
    /** The current connection attempt; null between attempts. */
    private Attempt attempt;
    private PushTimer.Cancellable retry;

    Push(PushSpec spec, Progress progress, PushContext ctx) {
        this.spec = spec;
        this.progress = progress;
        this.ctx = ctx;
    }

    public PushSpec spec() {
        return spec;
    }

    public synchronized PushState state() {
        return progress.state;
    }

    synchronized boolean active() {
        return progress.state.active();
    }

    // ---- stream events ----

    /** The output stream appeared or its tracks are known: connect unless already on it. */
    public synchronized void streamAvailable(LiveStream s) {
        if (!progress.state.active() || progress.state == PushState.STOPPING) {
            return;
        }
        if (stream != s) {
            endAttempt(); // a replaced stream whose end has not reached us yet
            cancelRetry();
            backoff.reset();
            stream = s;
        }
        if (attempt == null && retry == null && !s.tracks().isEmpty()) {
            connect();
        }
    }

    /** A stream ended: when it is the task's, the task waits in {@code ready} for its return. */
    public synchronized void streamClosed(LiveStream s) {
        if (s != stream) {
            return;
        }
        streamGone();
    }

    private void streamGone() {
        endAttempt();
        cancelRetry();
        stream = null;
        if (progress.state.active() && progress.state != PushState.STOPPING) {
            progress.state = PushState.READY;
            log.info("Push [{}]: {} ended, waiting for it to come back", spec.key(), spec.stream());
        }
        persist();
    }

    // ---- API ----

    /** Stops the task: the connection is closed and the task ends in {@code stopped}. */
    public synchronized void stop() {
        if (progress.state == PushState.STOPPED) {
            return;
        }
        progress.state = PushState.STOPPING;
        endAttempt();
        cancelRetry();
        stream = null;
        progress.state = PushState.STOPPED;
        progress.finishTime = ApiTime.format(ctx.timer().now());
        ctx.store().delete(spec.key());
        log.info("Push [{}] stopped", spec.key());
    }

    /** Closes the connection and keeps the task stored as it is (server shutdown). */
    public synchronized void shutdown() {
        boolean had = attempt != null;
        endAttempt();
        cancelRetry();
        stream = null;
        if (had) {
            persist();
        }
    }

    void persist() {
        if (progress.state != PushState.STOPPED) {
            ctx.store().save(spec.key(), spec.request(), progress);
        }
    }

    // ---- connection attempts ----

    private void connect() {
        List<Track> tracks;
        try {
            tracks = TrackPicker.pick(stream.tracks(), spec);
        } catch (IllegalArgumentException e) {
            // A configuration problem: no retry until the stream or its tracks change.
            progress.state = PushState.ERROR;
            progress.message = e.getMessage();
            log.error("Push [{}] cannot send {}: {}", spec.key(), spec.stream(), e.getMessage());
            persist();
            return;
        }
        progress.sequence++;
        Attempt a = new Attempt(stream, tracks);
        attempt = a;
        CompletableFuture<Void> opening;
        try {
            a.target = ctx.targets().create(new TargetSpec(spec.protocol(), spec.url(), spec.streamKey(), tracks));
            opening = a.target.open();
        } catch (RuntimeException e) {
            log.error("Push [{}]: the {} target failed to start", spec.key(), spec.protocol().apiName(), e);
            fail(a, "cannot connect: " + e);
            return;
        }
        log.info("Push [{}] connects to {} (sequence {}, tracks {})", spec.key(), spec.url(), progress.sequence,
                tracks);
        persist();
        a.openTimeout = ctx.timer().schedule(() -> openTimedOut(a), OPEN_TIMEOUT);
        opening.whenComplete((v, e) -> ctx.timer().execute(() -> opened(a, e)));
    }

    private synchronized void opened(Attempt a, Throwable error) {
        if (attempt != a) {
            return;
        }
        a.cancelOpenTimeout();
        if (error != null) {
            fail(a, reason(error));
            return;
        }
        a.connectedAt = ctx.timer().nanoTime();
        progress.state = PushState.STARTED;
        progress.startTime = ApiTime.format(ctx.timer().now());
        progress.sentBytes = 0;
        progress.sentTime = 0;
        log.info("Push [{}] sends {} to {} (sequence {})", spec.key(), spec.stream(), spec.url(), progress.sequence);
        persist();
        a.target.closed().whenComplete((v, e) -> ctx.timer().execute(() -> targetClosed(a, e)));
        Sink sink = new Sink(a);
        a.subscription = a.stream.subscribe(sink, spec.connectionKind(), QUEUE_SIZE);
        if (attempt != a) {
            a.subscription.close(); // it ended on its tracks already
        }
    }

    private synchronized void openTimedOut(Attempt a) {
        if (attempt == a && a.connectedAt == 0) {
            fail(a, "no answer from " + spec.url().getHost() + ":" + spec.url().getPort() + " within "
                    + OPEN_TIMEOUT.toSeconds() + " s");
        }
    }

    private synchronized void targetClosed(Attempt a, Throwable error) {
        if (attempt == a) {
            fail(a, error == null ? "the target closed the connection" : reason(error));
        }
    }

    /** The attempt failed: {@code error} with the reason, and the next attempt after the backoff. */
    private void fail(Attempt a, String reason) {
        Duration up = a.connectedAt == 0 ? Duration.ZERO : Duration.ofNanos(ctx.timer().nanoTime() - a.connectedAt);
        endAttempt();
        progress.state = PushState.ERROR;
        progress.message = reason;
        Duration delay = backoff.next(up);
        log.warn("Push [{}] to {} failed: {}; next attempt in {} ms", spec.key(), spec.url(), reason,
                delay.toMillis());
        persist();
        retry = ctx.timer().schedule(this::retryNow, delay);
    }

    private synchronized void retryNow() {
        retry = null;
        if (progress.state == PushState.ERROR && stream != null && attempt == null) {
            connect();
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
    }

    /** Closes the current attempt's subscription and connection and adds up its counters. */
    private void endAttempt() {
        Attempt a = attempt;
        if (a == null) {
            return;
        }
        attempt = null;
        a.cancelOpenTimeout();
        if (a.subscription != null) {
            a.subscription.close();
        }
        if (a.target != null) {
            long bytes = a.sentBytes();
            if (a.connectedAt != 0) {
                progress.sentBytes = bytes;
                progress.sentTime = a.sentMillis;
                progress.totalSentBytes += bytes;
                progress.totalSentTime += a.sentMillis;
            }
            try {
                a.target.close();
            } catch (RuntimeException e) {
                log.warn("Push [{}]: closing the connection failed: {}", spec.key(), e.toString());
            }
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    // ---- the API view ----

    /** The task as the API shows it. */
    public synchronized PushTask toProto() {
        var r = spec.request();
        StreamSelector.Builder selector = StreamSelector.newBuilder().setName(r.getStream().getName())
                .addAllVariantNames(r.getStream().getVariantNamesList());
        if (attempt != null) {
            attempt.tracks.forEach(t -> selector.addTrackIds(t.id()));
        } else {
            selector.addAllTrackIds(r.getStream().getTrackIdsList());
        }
        long bytes = progress.sentBytes;
        long time = progress.sentTime;
        long totalBytes = progress.totalSentBytes;
        long totalTime = progress.totalSentTime;
        if (attempt != null && attempt.connectedAt != 0) {
            bytes = attempt.sentBytes();
            time = attempt.sentMillis;
            totalBytes += bytes;
            totalTime += time;
        }
        PushTask.Builder b = PushTask.newBuilder()
                .setId(spec.id())
                .setState(progress.state.apiName())
                .setVhost(r.getVhost())
                .setApp(r.getApp())
                .setStream(selector)
                .setProtocol(spec.protocol().apiName())
                .setUrl(r.getUrl())
                .setStreamKey(r.getStreamKey())
                .setSentBytes(bytes)
                .setSentTime(time)
                .setSequence(progress.sequence)
                .setTotalSentBytes(totalBytes)
                .setTotalSentTime(totalTime)
                .setCreatedTime(progress.createdTime)
                .setStartTime(ApiTime.orEpoch(progress.startTime))
                .setFinishTime(ApiTime.orEpoch(progress.finishTime));
        if (!progress.message.isEmpty()) {
            b.setMessage(progress.message);
        }
        return b.build();
    }

    // ---- one connection ----

    /** One connection attempt: the stream and tracks it sends, its target and subscription. */
    private final class Attempt {
        final LiveStream stream;
        final List<Track> tracks;
        /** The track whose key frames may start the connection: the first video track, if any. */
        final int startTrack;
        PushTarget target;
        Subscription subscription;
        PushTimer.Cancellable openTimeout;
        /** {@link PushTimer#nanoTime()} when the target accepted; 0 before. */
        long connectedAt;
        /** The connection's time zero in milliseconds of the stream's timeline; unset before the first packet. */
        long baseMillis = Long.MIN_VALUE;
        long sentMillis;

        Attempt(LiveStream stream, List<Track> tracks) {
            this.stream = stream;
            this.tracks = tracks;
            this.startTrack = tracks.stream().filter(t -> t.type() == MediaType.VIDEO).mapToInt(Track::id)
                    .findFirst().orElse(-1);
        }

        void cancelOpenTimeout() {
            if (openTimeout != null) {
                openTimeout.cancel();
                openTimeout = null;
            }
        }

        long sentBytes() {
            try {
                return Math.max(0, target.sentBytes());
            } catch (RuntimeException e) {
                return 0;
            }
        }

        Track track(int id) {
            for (Track t : tracks) {
                if (t.id() == id) {
                    return t;
                }
            }
            return null;
        }

        void send(MediaPacket p) {
            Track t = track(p.trackId());
            if (t == null) {
                return;
            }
            if (baseMillis == Long.MIN_VALUE) {
                if (startTrack >= 0 && !(p.keyframe() && p.trackId() == startTrack)) {
                    return; // wait for a key frame to start on
                }
                baseMillis = Math.floorDiv(p.dts() * 1000, t.timescale());
            }
            long base = Math.floorDiv(baseMillis * t.timescale(), 1000);
            long dts = p.dts() - base;
            if (dts < 0) {
                return; // before the connection's first key frame
            }
            target.send(new MediaPacket(p.trackId(), p.pts() - base, dts, p.keyframe(), p.payload()));
            sentMillis = Math.max(sentMillis, dts * 1000 / t.timescale());
        }
    }

    /** The bus's view of one connected attempt. */
    private final class Sink implements StreamSink {
        private final Attempt a;

        Sink(Attempt a) {
            this.a = a;
        }

        @Override
        public void onTracks(List<Track> all) {
            synchronized (Push.this) {
                if (attempt != a) {
                    return;
                }
                List<Track> picked;
                try {
                    picked = TrackPicker.pick(all, spec);
                } catch (IllegalArgumentException e) {
                    endAttempt();
                    progress.state = PushState.ERROR;
                    progress.message = e.getMessage();
                    log.error("Push [{}] cannot send {}: {}", spec.key(), spec.stream(), e.getMessage());
                    persist();
                    return;
                }
                if (!picked.equals(a.tracks)) {
                    log.info("Push [{}]: the tracks of {} changed to {}, reconnecting", spec.key(), spec.stream(),
                            picked);
                    endAttempt();
                    connect();
                }
            }
        }

        @Override
        public void onPacket(MediaPacket p) {
            try {
                synchronized (Push.this) {
                    if (attempt != a || a.connectedAt == 0) {
                        return;
                    }
                    try {
                        a.send(p);
                    } catch (RuntimeException e) {
                        log.error("Push [{}]: sending failed", spec.key(), e);
                        fail(a, "sending failed: " + e);
                    }
                }
            } finally {
                p.payload().release();
            }
        }

        @Override
        public void onEnd() {
            synchronized (Push.this) {
                if (attempt != a) {
                    return;
                }
                a.subscription = null;
                LiveStream live = ctx.streams().findOutput(spec.stream()).orElse(null);
                if (live == a.stream) {
                    fail(a, "the media bus ended the push's subscription");
                    return;
                }
                streamGone();
                if (live != null) {
                    streamAvailable(live);
                }
            }
        }
    }
}
