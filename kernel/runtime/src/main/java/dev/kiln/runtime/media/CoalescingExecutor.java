package dev.kiln.runtime.media;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the media bus's delivery tasks to the sink threads in batches. A batch thread runs
 * every task that is waiting, one after the other, then sleeps one interval and looks again;
 * nothing wakes it in between. With hundreds of subscribers each getting a packet every few
 * milliseconds, that is one wake-up per interval for the whole bus instead of one per packet,
 * and no other thread is involved: the producer only queues the task. A task waits at most
 * about one interval. The batch thread leaves after {@link #IDLE_INTERVALS} empty looks, and
 * the next task starts a new one at once.
 *
 * <p>A task that never returns holds up only itself: when the batch threads make no progress
 * for {@link #STALL_INTERVALS} intervals while tasks wait, another batch thread is started on
 * the pool. Producers notice that as they queue; a slow watch on the timer catches it when
 * nothing more is queued. When much is waiting, up to {@code parallelism} batch threads run at
 * once (a thread more each time the queue grows past {@link #TASKS_PER_RUNNER} per thread while
 * none sleeps); the extra ones leave as soon as nothing waits.
 */
final class CoalescingExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CoalescingExecutor.class);
    private static final int STALL_INTERVALS = 4;
    /** Empty looks after which a batch thread goes back to the pool. */
    private static final int IDLE_INTERVALS = 10;
    /** How often the timer looks for a stalled batch when no producer does. */
    private static final long WATCH_MILLIS = 200;
    /** A delivery this long is logged as a WARN. */
    private static final long HUNG_MILLIS = 1000;
    /** Waiting tasks per extra batch thread, up to the parallelism. */
    private static final int TASKS_PER_RUNNER = 64;

    private final ExecutorService pool;
    private final long intervalNanos;
    private final long stallNanos;
    private final int parallelism;
    private final ScheduledFuture<?> watch;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger runners = new AtomicInteger();
    /** Batch threads sleeping out an interval. */
    private final AtomicInteger sleeping = new AtomicInteger();
    /** When a batch thread last started a task or looked at the queue. */
    private volatile long lastProgressNanos = System.nanoTime();
    private final AtomicLong lastRescueNanos = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private volatile boolean hungReported;
    private volatile boolean shutdown;

    /**
     * @param pool        runs the batches (an unbounded pool: a stalled batch keeps its thread)
     * @param timer       runs the slow stall watch
     * @param intervalMillis the longest a task waits before a batch thread takes it
     * @param parallelism batch threads that may run at once when much is waiting
     */
    CoalescingExecutor(ExecutorService pool, ScheduledExecutorService timer, long intervalMillis, int parallelism) {
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms, got " + intervalMillis);
        }
        this.pool = pool;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.stallNanos = STALL_INTERVALS * intervalNanos;
        this.parallelism = Math.max(1, parallelism);
        long watchMillis = Math.max(WATCH_MILLIS, STALL_INTERVALS * intervalMillis);
        this.watch = timer.scheduleAtFixedRate(this::watch, watchMillis, watchMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("the media bus is shut down");
        }
        tasks.add(task);
        int queued = waiting.incrementAndGet();
        int running = runners.get();
        if (running == 0) {
            startFirstRunner();
        } else if (running < parallelism && sleeping.get() == 0 && queued > running * TASKS_PER_RUNNER) {
            startRunner(); // the batch threads are all busy and the queue grows: one more
        } else {
            rescueIfStalled(running);
        }
    }

    /**
     * Runs what is still waiting on the pool and stops taking tasks; the caller then shuts the
     * pool down and waits for it (a sleeping batch thread leaves within one interval).
     */
    void shutdown() {
        shutdown = true;
        watch.cancel(false);
        if (waiting.get() > 0 && runners.get() == 0) {
            startRunner();
        }
    }

    /** Batch threads running now (for tests). */
    int runners() {
        return runners.get();
    }

    /** Batch threads sleeping out an interval now (for tests). */
    int sleeping() {
        return sleeping.get();
    }

    private void watch() {
        int running = runners.get();
        if (waiting.get() == 0) {
            return;
        }
        if (running == 0) {
            startFirstRunner();
        } else {
            rescueIfStalled(running);
        }
    }

    /**
     * Starts one more batch thread when those running made no progress for
     * {@link #STALL_INTERVALS} intervals, at most once per such span whoever asks.
     */
    private void rescueIfStalled(int running) {
        long now = System.nanoTime();
        long lastRescue = lastRescueNanos.get();
        long sinceProgress = now - lastProgressNanos;
        if (sinceProgress <= stallNanos || now - lastRescue <= stallNanos
                || !lastRescueNanos.compareAndSet(lastRescue, now)) {
            return;
        }
        // A slow delivery (a file opened or flushed, a GC pause) is normal; one that holds
        // its thread for a second is a subscriber to look at.
        long millis = TimeUnit.NANOSECONDS.toMillis(sinceProgress);
        if (millis >= HUNG_MILLIS && !hungReported) {
            hungReported = true;
            log.warn("A media bus delivery has been running for {} ms; other sink threads take the"
                    + " other subscribers", millis);
        } else {
            log.debug("A media bus delivery has been running for {} ms with {} sink threads; starting another",
                    millis, running);
        }
        startRunner();
    }

    /** Starts a batch thread unless one is running (or another caller just started one). */
    private void startFirstRunner() {
        if (runners.compareAndSet(0, 1)) {
            submitRunner();
        }
    }

    private void startRunner() {
        runners.incrementAndGet();
        submitRunner();
    }

    /** Submits a batch thread already counted in {@link #runners}. */
    private void submitRunner() {
        try {
            pool.execute(this::runBatches);
        } catch (RejectedExecutionException e) {
            runners.decrementAndGet();
            log.error("Cannot start a media bus delivery thread: {}", e.toString());
        }
    }

    private void runBatches() {
        try {
            // The loop stays this small because it runs in the interpreter until the JIT
            // compiles it on the stack, which takes minutes at one turn per interval.
            int idle = 0;
            while (idle >= 0) {
                idle = look(idle);
            }
        } finally {
            runners.decrementAndGet();
            // A task added between the last look and the decrement saw this thread running.
            if (waiting.get() > 0) {
                startFirstRunner();
            }
        }
    }

    /**
     * One look at the queue: runs what waits, then sleeps out the interval.
     *
     * @param idle empty looks in a row so far
     * @return empty looks in a row now, or -1 when this batch thread should leave
     */
    private int look(int idle) {
        boolean ran = runWaiting();
        lastProgressNanos = System.nanoTime();
        if (shutdown) {
            // Finish here what a racing execute() added, then leave.
            return waiting.get() == 0 ? -1 : 0;
        }
        int empty = ran ? 0 : idle + 1;
        if (empty > 0 && (empty >= IDLE_INTERVALS || runners.get() > 1)) {
            return -1;
        }
        sleeping.incrementAndGet();
        LockSupport.parkNanos(this, intervalNanos);
        sleeping.decrementAndGet();
        return Thread.interrupted() && shutdown ? -1 : empty;
    }

    /** Runs the waiting tasks; false when there were none. */
    private boolean runWaiting() {
        boolean ran = false;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            ran = true;
            waiting.decrementAndGet();
            lastProgressNanos = System.nanoTime();
            hungReported = false;
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                log.error("A media bus delivery failed: {}", e.toString(), e);
            }
        }
        return ran;
    }
}
