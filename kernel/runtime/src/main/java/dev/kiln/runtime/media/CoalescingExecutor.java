package dev.kiln.runtime.media;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the media bus's delivery tasks to the sink threads in batches: a task waits at most
 * one interval, and all tasks that became ready in that interval run one after the other on
 * one pool thread. With hundreds of subscribers each getting a packet every few milliseconds,
 * that is one thread wake-up per interval instead of one per packet, which is where most of
 * the bus's CPU went.
 *
 * <p>A task that never returns holds up only itself: when the running batch makes no progress
 * for {@link #STALL_INTERVALS} intervals while tasks wait, another batch thread is started on
 * the pool. When much is waiting, up to {@code parallelism} batch threads run at once.
 */
final class CoalescingExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CoalescingExecutor.class);
    private static final int STALL_INTERVALS = 4;
    /** A delivery this long is logged as a WARN. */
    private static final long HUNG_MILLIS = 1000;
    /** Waiting tasks per extra batch thread, up to the parallelism. */
    private static final int TASKS_PER_RUNNER = 64;

    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final long intervalNanos;
    private final int parallelism;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger runners = new AtomicInteger();
    private final AtomicBoolean tickScheduled = new AtomicBoolean();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile long lastRescueNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile boolean hungReported;
    private volatile boolean shutdown;

    /**
     * @param pool        runs the batches (an unbounded pool: a stalled batch keeps its thread)
     * @param timer       fires the interval ticks
     * @param intervalMillis the longest a task waits before a batch thread takes it
     * @param parallelism batch threads that may run at once when much is waiting
     */
    CoalescingExecutor(ExecutorService pool, ScheduledExecutorService timer, long intervalMillis, int parallelism) {
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms, got " + intervalMillis);
        }
        this.pool = pool;
        this.timer = timer;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.parallelism = Math.max(1, parallelism);
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("the media bus is shut down");
        }
        tasks.add(task);
        waiting.incrementAndGet();
        requestTick();
    }

    /**
     * Runs what is still waiting on the pool and stops taking tasks; the caller then shuts the
     * pool down and waits for it.
     */
    void shutdown() {
        shutdown = true;
        if (waiting.get() > 0) {
            startRunner();
        }
    }

    private void requestTick() {
        if (tickScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(this::tick, intervalNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                tickScheduled.set(false);
                startRunner();
            }
        }
    }

    private void tick() {
        tickScheduled.set(false);
        int queued = waiting.get();
        if (queued == 0) {
            return;
        }
        int running = runners.get();
        long now = System.nanoTime();
        long stallNanos = STALL_INTERVALS * intervalNanos;
        boolean stalled = running > 0 && now - lastProgressNanos > stallNanos && now - lastRescueNanos > stallNanos;
        int wanted = Math.min(parallelism, 1 + queued / TASKS_PER_RUNNER);
        if (running == 0 || stalled || running < wanted) {
            if (stalled) {
                lastRescueNanos = now;
                // A slow delivery (a file opened or flushed, a GC pause) is normal; one that
                // holds its thread for a second is a subscriber to look at.
                long millis = TimeUnit.NANOSECONDS.toMillis(now - lastProgressNanos);
                if (millis >= HUNG_MILLIS && !hungReported) {
                    hungReported = true;
                    log.warn("A media bus delivery has been running for {} ms; other sink threads take the"
                            + " other subscribers", millis);
                } else {
                    log.debug("A media bus delivery has been running for {} ms; starting another sink thread", millis);
                }
            }
            startRunner();
        }
        // Keep watching while tasks wait behind a running batch.
        requestTick();
    }

    private void startRunner() {
        runners.incrementAndGet();
        try {
            pool.execute(this::runBatch);
        } catch (RejectedExecutionException e) {
            runners.decrementAndGet();
            log.error("Cannot start a media bus delivery thread: {}", e.toString());
        }
    }

    private void runBatch() {
        try {
            do {
                runWaiting();
                // Once shut down, no tick comes: finish here what a racing execute() added.
            } while (shutdown && waiting.get() > 0);
        } finally {
            runners.decrementAndGet();
        }
        // A task added between the last poll and the decrement saw this runner still running.
        if (waiting.get() > 0 && !shutdown) {
            requestTick();
        }
    }

    private void runWaiting() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            waiting.decrementAndGet();
            lastProgressNanos = System.nanoTime();
            hungReported = false;
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                log.error("A media bus delivery failed: {}", e.toString(), e);
            }
        }
    }
}
