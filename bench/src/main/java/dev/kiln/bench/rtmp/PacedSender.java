package dev.kiln.bench.rtmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that writes every publisher's due tags at real-time pace. Every few rounds it also
 * reads and drops what the servers sent back. Publishers can be added while it runs.
 *
 * <p>Two pacings: {@link Pacing#ROUNDS} hands every publisher the current time, then parks for
 * {@link #TICK_NANOS}, so the tags of all publishers that fell due in those 2 ms arrive at the
 * server together, in one burst per tick. {@link Pacing#SPREAD} parks only until the earliest
 * publisher's next tag is due (at most {@link #TICK_NANOS}), so each tag leaves close to its own
 * time and independent streams arrive spread out, as independent encoders send them.
 */
public final class PacedSender implements AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int DRAIN_EVERY = 25;

    private final Queue<RtmpPublisher> added = new ConcurrentLinkedQueue<>();
    private final List<RtmpPublisher> publishers = new ArrayList<>();
    private final Thread thread = new Thread(this::run, "rtmp-bench-sender");
    private final Pacing pacing;
    private volatile boolean running = true;
    private volatile long maxLagNanos;

    /** How the sender spaces its writes; see the class comment. */
    public enum Pacing { ROUNDS, SPREAD }

    public PacedSender() {
        this(Pacing.ROUNDS);
    }

    public PacedSender(Pacing pacing) {
        this.pacing = pacing;
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    public void add(RtmpPublisher publisher) {
        added.add(publisher);
    }

    /** The longest time a round took so far (a late sender means late media). */
    public long maxRoundNanos() {
        return maxLagNanos;
    }

    /** Forgets the longest round (call at the start of a measured window). */
    public void resetMaxRound() {
        maxLagNanos = 0;
    }

    private void run() {
        long round = 0;
        while (running) {
            RtmpPublisher p;
            while ((p = added.poll()) != null) {
                publishers.add(p);
            }
            long start = System.nanoTime();
            for (RtmpPublisher publisher : publishers) {
                publisher.sendDue(start);
            }
            if (++round % DRAIN_EVERY == 0) {
                publishers.forEach(RtmpPublisher::drainInput);
            }
            long took = System.nanoTime() - start;
            if (took > maxLagNanos) {
                maxLagNanos = took;
            }
            LockSupport.parkNanos(pause()); // pacing of the load, not synchronisation
        }
    }

    private long pause() {
        if (pacing == Pacing.ROUNDS) {
            return TICK_NANOS;
        }
        long now = System.nanoTime();
        long earliest = now + TICK_NANOS;
        for (RtmpPublisher publisher : publishers) {
            earliest = Math.min(earliest, publisher.nextDueNanos(now));
        }
        return Math.max(0, earliest - now);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
