package dev.kiln.bench.push;

import dev.kiln.bench.rtmp.Amf0;
import dev.kiln.bench.rtmp.FlvFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One publisher replaying an FLV at real-time pace in a loop (metadata and sequence headers
 * once), on its own thread, noting in a {@link FrameClock} the moment each video frame was
 * handed to the socket (just before the write). A second thread reads and drops what the server sends (acknowledgements,
 * pings are answered by {@link RtmpConnection}).
 */
final class TimedPublisher implements AutoCloseable {
    private final RtmpConnection connection;
    private final FlvFile flv;
    private final FrameClock clock;
    private final String name;
    private final Thread sender;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile long bytesSent;
    private volatile long maxLateNanos;
    private volatile String failure;

    private TimedPublisher(RtmpConnection connection, FlvFile flv, FrameClock clock, String name) {
        this.connection = connection;
        this.flv = flv;
        this.clock = clock;
        this.name = name;
        this.sender = new Thread(this::send, "push-bench-publisher");
        this.reader = new Thread(this::drain, "push-bench-publisher-reader");
        sender.setDaemon(true);
        sender.setPriority(Thread.MAX_PRIORITY);
        reader.setDaemon(true);
    }

    /** Publishes {@code rtmp://server/app/name} and starts the replay. */
    static TimedPublisher start(InetSocketAddress server, String app, String name, FlvFile flv, FrameClock clock)
            throws IOException {
        RtmpConnection c = RtmpConnection.open(server, app);
        try {
            c.publish(name);
        } catch (IOException e) {
            c.close();
            throw new IOException("publish of " + app + "/" + name + " to " + server + " failed: " + e.getMessage(), e);
        }
        TimedPublisher p = new TimedPublisher(c, flv, clock, app + "/" + name);
        p.reader.start();
        p.sender.start();
        return p;
    }

    private void send() {
        List<FlvFile.Tag> tags = flv.tags();
        long start = System.nanoTime();
        long loopOffsetMs = 0;
        try {
            while (running) {
                for (FlvFile.Tag tag : tags) {
                    if (!running) {
                        return;
                    }
                    if (loopOffsetMs > 0 && tag.config()) {
                        continue;
                    }
                    long ts = loopOffsetMs + tag.timestampMs();
                    long due = start + TimeUnit.MILLISECONDS.toNanos(ts);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait); // real-time pacing of the replay
                    }
                    long late = System.nanoTime() - due;
                    if (late > maxLateNanos) {
                        maxLateNanos = late;
                    }
                    byte[] body = tag.type() == RtmpConnection.DATA_AMF0
                            ? concat(Amf0.encode("@setDataFrame"), tag.body()) : tag.body();
                    if (tag.type() == RtmpConnection.VIDEO) {
                        long key = FrameClock.key(body);
                        if (key != -1) {
                            clock.sent(key, System.nanoTime()); // before the write: a player may see it first
                        }
                    }
                    connection.writeMedia(tag.type(), ts, body);
                    bytesSent += body.length;
                }
                loopOffsetMs += flv.durationMs();
            }
        } catch (IOException e) {
            if (running) {
                failure = e.getMessage();
            }
        }
    }

    private void drain() {
        try {
            while (running) {
                connection.read();
            }
        } catch (IOException e) {
            if (running) {
                failure = "the server closed the connection: " + e.getMessage();
            }
        }
    }

    /** Media bytes (tag bodies) written so far. */
    long bytesSent() {
        return bytesSent;
    }

    /** The latest a tag left after its due time so far, in nanoseconds. */
    long maxLateNanos() {
        return maxLateNanos;
    }

    void resetMaxLate() {
        maxLateNanos = 0;
    }

    /** Why the publisher stopped, or null while it runs. */
    String failure() {
        return failure == null ? null : name + ": " + failure;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        connection.close();
        sender.join(TimeUnit.SECONDS.toMillis(5));
        reader.join(TimeUnit.SECONDS.toMillis(5));
    }
}
