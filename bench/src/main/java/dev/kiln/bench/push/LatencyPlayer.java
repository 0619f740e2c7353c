package dev.kiln.bench.push;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An RTMP player of one live stream that, for every H.264 frame it receives, looks up in the
 * {@link FrameClock} when the publisher sent that frame and records the difference: the
 * latency from the publisher's socket to this player's, through every hop in between. Same
 * JVM, same monotonic clock.
 */
final class LatencyPlayer implements AutoCloseable {
    /** A frame "sent" longer ago than this was matched with an earlier loop of the file: not counted. */
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RtmpConnection connection;
    private final FrameClock clock;
    private final Recorder latencyMicros = new Recorder(3);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long frames;
    private volatile long unmatched;
    private volatile String failure;
    private long windowFrames;
    private long windowUnmatched;

    private LatencyPlayer(RtmpConnection connection, FrameClock clock, String name) {
        this.connection = connection;
        this.clock = clock;
        this.thread = new Thread(this::receive, "push-bench-player-" + name);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    /** Plays {@code rtmp://server/app/name}; returns once the server answered {@code NetStream.Play.Start}. */
    static LatencyPlayer play(InetSocketAddress server, String app, String name, FrameClock clock) throws IOException {
        RtmpConnection c = RtmpConnection.open(server, app);
        try {
            c.play(name);
        } catch (IOException e) {
            c.close();
            throw new IOException("play of " + app + "/" + name + " from " + server + " failed: " + e.getMessage(), e);
        }
        LatencyPlayer p = new LatencyPlayer(c, clock, name);
        p.thread.start();
        return p;
    }

    private void receive() {
        try {
            while (running) {
                RtmpConnection.Message m = connection.read();
                long now = System.nanoTime();
                if (m.type() != RtmpConnection.VIDEO) {
                    continue;
                }
                long key = FrameClock.key(m.payload());
                if (key == -1) {
                    continue;
                }
                frames++;
                long sent = clock.sentAt(key);
                if (sent < 0 || sent > now || now - sent > STALE_NANOS) {
                    unmatched++;
                } else {
                    latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(now - sent));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure = e.toString();
            }
        }
    }

    /** Starts a measured window: what was recorded so far is dropped. */
    void startWindow() {
        latencyMicros.getIntervalHistogram();
        windowFrames = frames;
        windowUnmatched = unmatched;
    }

    /** Ends the window: the latencies recorded in it (microseconds), the frames and the unmatched frames. */
    Window endWindow() {
        Histogram h = latencyMicros.getIntervalHistogram();
        return new Window(h, frames - windowFrames, unmatched - windowUnmatched, failure);
    }

    /**
     * What the player saw in a window.
     *
     * @param micros    latency of every matched frame, microseconds
     * @param frames    H.264 frames received
     * @param unmatched frames received that the publisher had not sent in the last 10 s (changed on the way, or very late)
     * @param failure   why the player stopped, or null
     */
    record Window(Histogram micros, long frames, long unmatched, String failure) {
        double p50Ms() {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(50) / 1000.0;
        }

        double p99Ms() {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(99) / 1000.0;
        }

        double maxMs() {
            return micros.getTotalCount() == 0 ? Double.NaN : micros.getMaxValue() / 1000.0;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        connection.close();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
