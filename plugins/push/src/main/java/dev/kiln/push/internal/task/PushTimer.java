package dev.kiln.push.internal.task;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The push tasks' time source and timer thread, injectable so tests run the reconnect logic
 * without waiting. Work handed to it must not block: it is shared by every task.
 */
public interface PushTimer {

    /** Monotonic nanoseconds, for measuring how long a connection stayed up. */
    long nanoTime();

    /** Wall-clock time, for the API's times. */
    OffsetDateTime now();

    /** Runs {@code task} after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} soon on the timer's thread (to leave a network thread). */
    void execute(Runnable task);

    /** A scheduled run that may be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
