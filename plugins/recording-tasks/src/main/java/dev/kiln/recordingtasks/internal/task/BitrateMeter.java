package dev.kiln.recordingtasks.internal.task;

/**
 * The rate at which a recording grows, over a sliding window of byte-count samples (one per
 * second, the last {@value #WINDOW} kept), in kilobits per second.
 */
final class BitrateMeter {
    static final int WINDOW = 6;

    private final long[] nanos = new long[WINDOW];
    private final long[] bytes = new long[WINDOW];
    private int count;
    private int next;

    /** Adds a sample: the total bytes written at {@code nanoTime}. */
    synchronized void sample(long nanoTime, long totalBytes) {
        nanos[next] = nanoTime;
        bytes[next] = totalBytes;
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
    }

    /** Forgets every sample (the recording stopped writing). */
    synchronized void reset() {
        count = 0;
        next = 0;
    }

    /** Kilobits per second over the window, 0 with fewer than two samples. */
    synchronized long kilobitsPerSecond() {
        if (count < 2) {
            return 0;
        }
        int last = (next + WINDOW - 1) % WINDOW;
        int first = (next + WINDOW - count) % WINDOW;
        long dt = nanos[last] - nanos[first];
        long db = bytes[last] - bytes[first];
        if (dt <= 0 || db <= 0) {
            return 0;
        }
        return Math.round(db * 8.0 / (dt / 1e9) / 1000.0);
    }
}
