package dev.kiln.push.internal.task;

import java.time.Duration;

/**
 * Delays between reconnect attempts: 1 s after the first failure, doubling up to 30 s; a
 * connection that stayed up for a minute starts the series again. Not thread-safe (the task's
 * lock guards it).
 */
final class Backoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration RESET_AFTER = Duration.ofMinutes(1);

    private Duration next = FIRST;

    /**
     * The delay before the next attempt, after a connection that failed having been up for
     * {@code connectedFor} (zero when it never connected).
     */
    Duration next(Duration connectedFor) {
        if (connectedFor.compareTo(RESET_AFTER) >= 0) {
            next = FIRST;
        }
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(MAX) > 0 ? MAX : doubled;
        return d;
    }

    /** Starts the series again (the stream came back, or the task was restarted). */
    void reset() {
        next = FIRST;
    }
}
