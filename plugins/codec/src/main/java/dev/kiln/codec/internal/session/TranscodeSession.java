package dev.kiln.codec.internal.session;

import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.codec.Transcoder;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.OutputTrackStatus;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.Subscription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output stream being made. The kernel's sink thread only queues (a bounded queue; when
 * it is full, packets are dropped and counted, video up to the next key frame, so ingest is
 * never held up); the decoding and encoding run as short tasks on the plugin's fixed pool, at
 * most one task per session at a time, so that sessions share the cores fairly.
 */
public final class TranscodeSession implements Transcoder, StreamSink, Runnable {
    private static final Logger log = LoggerFactory.getLogger(TranscodeSession.class);
    static final int QUEUE = 256;
    private static final int BATCH = 32;
    private static final Object END = new Object();

    private record TracksChanged(List<Track> tracks) {}

    private final LiveStream input;
    private final OutputSpec spec;
    private final StreamWriter output;
    private final Executor executor;
    private final Runnable onClosed;
    private final String label;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final CountDownLatch freed = new CountDownLatch(1);
    private volatile boolean closed;
    /** Written by the worker, read by stream info. */
    private volatile List<OutputTrackStatus> trackStatus = List.of();
    private volatile Subscription subscription;
    // Sink thread only.
    private Map<Integer, MediaType> types = Map.of();
    private boolean videoWaitsForKey;
    // Worker only (one task at a time; the scheduled flag orders them).
    private Pipeline pipeline;
    private boolean released;

    public TranscodeSession(LiveStream input, OutputSpec spec, StreamWriter output, Executor executor,
                            Runnable onClosed) {
        this.input = input;
        this.spec = spec;
        this.output = output;
        this.executor = executor;
        this.onClosed = onClosed;
        this.label = output.key() + " (" + spec.profile() + ")";
    }

    /** Subscribes to the input; the work starts with its tracks. */
    public TranscodeSession start() {
        subscription = input.subscribe(this, "transcode", QUEUE);
        if (closed) {
            subscription.close();
        }
        return this;
    }

    @Override
    public List<OutputTrackStatus> trackStatus() {
        return trackStatus;
    }

    /** Packets dropped because transcoding fell behind. */
    public long droppedPackets() {
        return dropped.get();
    }

    // ---- the kernel's sink thread ----

    @Override
    public void onTracks(List<Track> tracks) {
        types = tracks.stream().collect(Collectors.toMap(Track::id, Track::type, (a, b) -> a));
        videoWaitsForKey = false;
        enqueueControl(new TracksChanged(List.copyOf(tracks)));
    }

    @Override
    public void onPacket(MediaPacket p) {
        boolean video = types.get(p.trackId()) == MediaType.VIDEO;
        if (closed || (video && videoWaitsForKey && !p.keyframe())) {
            drop(p);
            return;
        }
        if (video) {
            videoWaitsForKey = false;
        }
        if (!queue.offer(p)) {
            drop(p);
            videoWaitsForKey |= video;
            return;
        }
        schedule();
    }

    private void drop(MediaPacket p) {
        p.payload().release();
        if (!closed) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void onEnd() {
        enqueueControl(END);
    }

    /** Track changes and the end are never dropped: wait for room (the worker is draining). */
    private void enqueueControl(Object item) {
        try {
            while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                schedule();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                // The plugin is stopping: free here.
                scheduled.set(false);
                closed = true;
                releaseAll();
            }
        }
    }

    // ---- the worker ----

    @Override
    public void run() {
        try {
            if (closed) {
                releaseAll();
                return;
            }
            for (int i = 0; i < BATCH && !closed; i++) {
                Object item = queue.poll();
                if (item == null) {
                    break;
                }
                handle(item);
            }
        } catch (RuntimeException | LinkageError e) {
            log.error("{}: transcoding stopped: {}", label, e.toString(), e);
            closed = true;
        } finally {
            if (closed) {
                releaseAll();
            }
            scheduled.set(false);
            // Run again for more work, or to release what was queued after the last look.
            if ((!closed && !queue.isEmpty()) || (closed && (!released || !queue.isEmpty()))) {
                schedule();
            }
        }
    }

    private void handle(Object item) {
        if (item instanceof MediaPacket p) {
            try {
                if (pipeline != null) {
                    pipeline.packet(p);
                }
            } finally {
                p.payload().release();
            }
        } else if (item instanceof TracksChanged t) {
            if (pipeline != null) {
                pipeline.close();
            }
            pipeline = Pipeline.open(label, input, spec, t.tracks(), new Guarded(), s -> trackStatus = s);
        } else if (item == END && pipeline != null) {
            pipeline.finish();
            pipeline.close();
            pipeline = null;
        }
    }

    /**
     * The output as the pipeline sees it: once the session is closed, nothing more reaches the
     * kernel's stream (the kernel may already have a new transcoder writing into it).
     */
    private final class Guarded implements StreamWriter {
        @Override
        public dev.kiln.api.media.StreamKey key() {
            return output.key();
        }

        @Override
        public void setTracks(List<Track> tracks) {
            if (!closed) {
                output.setTracks(tracks);
            }
        }

        @Override
        public void write(MediaPacket packet) {
            if (closed) {
                packet.payload().release();
            } else {
                output.write(packet);
            }
        }

        @Override
        public void countBytesIn(long bytes) {
            output.countBytesIn(bytes);
        }

        @Override
        public void close() {
            // The kernel owns the output stream.
        }
    }

    /**
     * Frees the native state (once) and the queued payloads (each time: a packet may have been
     * queued after the last look); worker (or sole owner) only.
     */
    private synchronized void releaseAll() {
        try {
            if (!released) {
                released = true;
                if (pipeline != null) {
                    pipeline.close();
                    pipeline = null;
                }
            }
        } finally {
            Object item;
            while ((item = queue.poll()) != null) {
                if (item instanceof MediaPacket p) {
                    p.payload().release();
                }
            }
            freed.countDown();
        }
    }

    // ---- the kernel ----

    /**
     * Stops the session without waiting: the kernel may call this on an event loop while it
     * holds the input's lock, which the worker can need (stream statistics), so the native
     * state and the queued payloads are freed by the worker as soon as its current item is
     * done. Nothing is written to the output after this returns, except at most the packets
     * of the item being encoded at that moment.
     */
    @Override
    public void close() {
        if (closed && freed.getCount() == 0) {
            return;
        }
        closed = true;
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        schedule();
        onClosed.run();
        if (dropped.get() > 0) {
            log.info("{}: {} packet(s) dropped while transcoding fell behind", label, dropped.get());
        }
    }

    /** Waits until the worker has freed the native state after {@link #close()}; for tests. */
    boolean awaitFreed(long millis) throws InterruptedException {
        return freed.await(millis, TimeUnit.MILLISECONDS);
    }
}
