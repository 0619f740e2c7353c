package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's bounded queue, drained by one task at a time on the sink executor. The
 * producer never waits: when the queue is full, everything queued is dropped and delivery
 * resumes at the next resume point (a video key frame, or any packet of an audio-only
 * stream). Drops are counted.
 */
final class SubscriberQueue implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(SubscriberQueue.class);
    private static final Object END = new Object();
    /** Items taken from the queue under one lock. */
    private static final int DRAIN_BATCH = 32;

    private final StreamSink sink;
    private final Executor executor;
    private final int capacity;
    private final String kind;
    private final String streamName;
    private final Consumer<SubscriberQueue> onClosed;
    private final LongConsumer onDelivered;

    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int queuedPackets;
    private boolean draining;
    private boolean waitingForResumePoint;
    private boolean ended;
    private volatile long dropped;
    private volatile long bytesDelivered;

    private record TracksEvent(List<Track> tracks) {}

    SubscriberQueue(StreamSink sink, Executor executor, int capacity, String kind, String streamName,
                    Consumer<SubscriberQueue> onClosed, LongConsumer onDelivered) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue size must be at least 1, got " + capacity);
        }
        this.sink = sink;
        this.executor = executor;
        this.capacity = capacity;
        this.kind = kind;
        this.streamName = streamName;
        this.onClosed = onClosed;
        this.onDelivered = onDelivered;
    }

    String kind() {
        return kind;
    }

    long bytesDelivered() {
        return bytesDelivered;
    }

    void offerTracks(List<Track> tracks) {
        synchronized (this) {
            if (ended) {
                return;
            }
            queue.add(new TracksEvent(List.copyOf(tracks)));
        }
        schedule();
    }

    /** Takes over one payload reference of the packet. */
    void offerPacket(MediaPacket packet, boolean resumePoint) {
        synchronized (this) {
            if (ended) {
                packet.payload().release();
                return;
            }
            if (waitingForResumePoint) {
                if (!resumePoint) {
                    packet.payload().release();
                    dropped++;
                    return;
                }
                waitingForResumePoint = false;
            }
            if (queuedPackets >= capacity) {
                dropped += dropQueuedPackets() + 1;
                if (!resumePoint) {
                    waitingForResumePoint = true;
                    packet.payload().release();
                    return;
                }
            }
            queue.add(packet);
            queuedPackets++;
        }
        schedule();
    }

    void offerEnd() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            dropQueuedPackets();
            queue.add(END);
        }
        schedule();
    }

    @Override
    public long droppedPackets() {
        return dropped;
    }

    @Override
    public void close() {
        offerEnd();
    }

    private int dropQueuedPackets() {
        int n = 0;
        for (var it = queue.iterator(); it.hasNext(); ) {
            Object o = it.next();
            if (o instanceof MediaPacket p) {
                p.payload().release();
                it.remove();
                n++;
            }
        }
        queuedPackets = 0;
        return n;
    }

    private void schedule() {
        synchronized (this) {
            if (draining || queue.isEmpty()) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException e) {
            log.error("Cannot schedule delivery to a {} subscriber of {}: {}", kind, streamName, e.toString());
            synchronized (this) {
                draining = false;
            }
        }
    }

    private void drain() {
        Object[] batch = new Object[DRAIN_BATCH];
        while (true) {
            int n = 0;
            synchronized (this) {
                Object next;
                while (n < DRAIN_BATCH && (next = queue.poll()) != null) {
                    if (next instanceof MediaPacket) {
                        queuedPackets--;
                    }
                    batch[n++] = next;
                }
                if (n == 0) {
                    draining = false;
                    return;
                }
            }
            for (int i = 0; i < n; i++) {
                Object next = batch[i];
                batch[i] = null;
                if (next == END) {
                    deliverEnd();
                    synchronized (this) {
                        draining = false;
                    }
                    return;
                }
                if (!deliver(next)) {
                    // The sink is detached (END is queued): what is left of this batch is not
                    // delivered.
                    for (int j = i + 1; j < n; j++) {
                        if (batch[j] instanceof MediaPacket p) {
                            p.payload().release();
                        }
                        batch[j] = null;
                    }
                    break;
                }
            }
        }
    }

    /** Hands one item to the sink; false when the sink failed and was detached. */
    private boolean deliver(Object next) {
        try {
            if (next instanceof MediaPacket p) {
                int size = p.payload().length();
                sink.onPacket(p);
                bytesDelivered += size;
                onDelivered.accept(size);
            } else {
                sink.onTracks(((TracksEvent) next).tracks());
            }
            return true;
        } catch (RuntimeException | LinkageError e) {
            log.warn("A {} subscriber of {} failed and was detached: {}", kind, streamName, e.toString(), e);
            offerEnd();
            return false;
        }
    }

    private void deliverEnd() {
        try {
            sink.onEnd();
        } catch (RuntimeException | LinkageError e) {
            log.warn("A {} subscriber of {} failed on end: {}", kind, streamName, e.toString());
        } finally {
            onClosed.accept(this);
        }
    }
}
