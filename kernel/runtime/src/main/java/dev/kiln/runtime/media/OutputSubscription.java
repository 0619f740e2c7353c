package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import java.util.List;

/**
 * A subscriber of an output stream. The output's source can change under it: a subscriber
 * that came while the output was a view of its input moves to the transcoder's stream when
 * the codec plugin starts making the output. Each attachment is a leg; only the current leg
 * reaches the sink, one call at a time, so the sink never sees two sources interleaved or an
 * end caused by a move. Moving never waits for the sink: sink calls hold their own lock.
 */
final class OutputSubscription implements Subscription {
    private final ProfileOutput output;
    private final StreamSink sink;
    private final String kind;
    private final int queueSize;
    private final Object delivery = new Object();
    private volatile Leg leg;
    private BusInput source;
    private long droppedBefore;
    private boolean closed;

    OutputSubscription(ProfileOutput output, StreamSink sink, String kind, int queueSize) {
        this.output = output;
        this.sink = sink;
        this.kind = kind;
        this.queueSize = queueSize;
    }

    /** Attaches to the transcoder's stream when there is one, else to the view of the input. */
    synchronized void attach(BusInput produced) {
        if (closed || (leg != null && source == produced)) {
            return;
        }
        Leg old = leg;
        leg = new Leg();
        source = produced;
        if (old != null) {
            droppedBefore += old.subscription.droppedPackets();
            old.subscription.close();
        }
        leg.subscription = produced != null
                ? produced.subscribe(leg, kind, queueSize)
                : output.subscribeToView(leg, kind, queueSize);
    }

    @Override
    public synchronized long droppedPackets() {
        Leg current = leg;
        return droppedBefore + (current == null ? 0 : current.subscription.droppedPackets());
    }

    @Override
    public void close() {
        Leg current;
        synchronized (this) {
            closed = true;
            current = leg;
        }
        output.detached(this);
        if (current != null) {
            current.subscription.close(); // its end reaches the sink
        }
    }

    /** One attachment; forwards to the sink only while it is the current one. */
    private final class Leg implements StreamSink {
        Subscription subscription;

        @Override
        public void onTracks(List<Track> tracks) {
            synchronized (delivery) {
                if (leg == this) {
                    sink.onTracks(tracks);
                }
            }
        }

        @Override
        public void onPacket(MediaPacket packet) {
            synchronized (delivery) {
                if (leg == this) {
                    sink.onPacket(packet);
                    return;
                }
            }
            packet.payload().release();
        }

        @Override
        public void onEnd() {
            synchronized (delivery) {
                if (leg != this) {
                    return;
                }
                output.detached(OutputSubscription.this);
                sink.onEnd();
            }
        }
    }
}
