package dev.kiln.push.internal.task;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link PushTimer}: the system clocks and one daemon thread. */
public final class ExecutorPushTimer implements PushTimer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorPushTimer.class);

    private final ScheduledThreadPoolExecutor executor;

    public ExecutorPushTimer() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kiln-push-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public OffsetDateTime now() {
        return OffsetDateTime.now();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> f = executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(guarded(task));
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                log.error("A push timer task failed: {}", e.toString(), e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
