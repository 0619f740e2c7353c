package dev.kiln.bench.llhls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What all viewers of one step share: when each segment or part was first advertised (the
 * first time any client, or the disk watcher, saw it in a playlist), and, inside the measured
 * window, the delivery delay of every media response (advertised to last byte), the bytes,
 * requests and errors.
 */
final class Delivery {
    private static final long KEEP_NANOS = 120_000_000_000L;

    private final Map<String, Long> advertised = new ConcurrentHashMap<>();
    private final Histogram delays = new Histogram(60_000_000L, 3); // microseconds, up to 60 s
    private final LongAdder bytes = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder mediaResponses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean stopped;
    private volatile String lastError;

    /** Notes that {@code path} is listed in a playlist now, unless it was seen before. */
    void advertised(String path, long nanos) {
        advertised.putIfAbsent(path, nanos);
    }

    /** A media response for {@code path} ended at {@code nanos} with {@code size} bytes. */
    void delivered(String path, long nanos, long size) {
        requests.increment();
        if (!measuring) {
            return;
        }
        bytes.add(size);
        mediaResponses.increment();
        Long since = advertised.get(path);
        if (since != null) {
            long micros = Math.max(0, (nanos - since) / 1000);
            synchronized (delays) {
                delays.recordValue(Math.min(micros, delays.getHighestTrackableValue()));
            }
        }
    }

    /** A playlist response of {@code size} bytes. */
    void playlist(long size) {
        requests.increment();
        if (measuring) {
            bytes.add(size);
        }
    }

    void error(Throwable cause) {
        if (measuring) {
            errors.increment();
        }
        lastError = String.valueOf(cause);
    }

    boolean measuring() {
        return measuring;
    }

    boolean stopped() {
        return stopped;
    }

    void stop() {
        stopped = true;
    }

    /** Starts the measured window: every counter from zero. */
    void startWindow() {
        synchronized (delays) {
            delays.reset();
        }
        bytes.reset();
        requests.reset();
        mediaResponses.reset();
        errors.reset();
        measuring = true;
    }

    /** Ends the window and returns its figures. */
    Window endWindow() {
        measuring = false;
        long now = System.nanoTime();
        advertised.values().removeIf(t -> now - t > KEEP_NANOS);
        synchronized (delays) {
            return new Window(bytes.sum(), requests.sum(), mediaResponses.sum(), errors.sum(),
                    delays.getTotalCount() == 0 ? Double.NaN : delays.getValueAtPercentile(50) / 1000.0,
                    delays.getTotalCount() == 0 ? Double.NaN : delays.getValueAtPercentile(99) / 1000.0,
                    delays.getTotalCount() == 0 ? Double.NaN : delays.getMaxValue() / 1000.0,
                    lastError);
        }
    }

    /** Figures of one window; delays in milliseconds (NaN when nothing was delivered). */
    record Window(long bytes, long requests, long mediaResponses, long errors, double p50Ms, double p99Ms,
                  double maxMs, String lastError) {
    }
}
