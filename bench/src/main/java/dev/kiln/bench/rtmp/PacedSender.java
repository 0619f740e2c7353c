package dev.kiln.bench.rtmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that writes every publisher's due tags at real-time pace: each round it hands each
 * publisher the current time, then parks for {@link #TICK_NANOS}. Every few rounds it also reads
 * and drops what the servers sent back. Publishers can be added while it runs.
 */
public final class PacedSender implements AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int DRAIN_EVERY = 25;

    private final Queue<RtmpPublisher> added = new ConcurrentLinkedQueue<>();
    private final List<RtmpPublisher> publishers = new ArrayList<>();
    private final Thread thread = new Thread(this::run, "rtmp-bench-sender");
    private volatile boolean running = true;
    private volatile long maxLagNanos;

    public PacedSender() {
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
            LockSupport.parkNanos(TICK_NANOS); // pacing of the load, not synchronisation
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
