package dev.kiln.push.internal.ffmpeg;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.TargetSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SRT (caller) or MPEG-TS/UDP push connection muxed by FFmpeg. Connecting and writing
 * happen on the target's own thread; {@link #send} only queues (a bounded queue that drops to
 * the next key frame when the network falls behind) and {@link #close()} interrupts whatever
 * FFmpeg is waiting on, so a dead target never holds up the caller.
 *
 * <p>The URL's query options reach FFmpeg as they are (SRT: {@code latency}, {@code passphrase},
 * {@code streamid}, {@code pbkeylen}, …; UDP: {@code pkt_size}, {@code ttl}, …). Kiln adds a
 * read/write timeout for SRT and, for UDP, {@code pkt_size=1316} (seven TS packets) and a
 * connected socket, so that a receiver that is not there is reported, unless the URL sets them.
 */
final class FfmpegTarget implements PushTarget {
    private static final Logger log = LoggerFactory.getLogger(FfmpegTarget.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Packets queued for the network thread before dropping starts (several seconds of media). */
    static final int QUEUE_PACKETS = 600;
    /** A write that makes no progress for this long ends the connection (microseconds). */
    static final String RW_TIMEOUT_US = "5000000";

    private final TargetSpec spec;
    private final BlockingQueue<MediaPacket> queue = new ArrayBlockingQueue<>(QUEUE_PACKETS);
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicLong bytes = new AtomicLong();
    private final int startTrack;
    private volatile boolean closing;
    /** Set when the network thread has ended: nothing queued after that would ever be taken. */
    private volatile boolean done;
    private volatile TsMuxer muxer;
    private Thread thread;
    private boolean dropping;
    private long dropped;

    FfmpegTarget(TargetSpec spec) {
        this.spec = spec;
        this.startTrack = spec.tracks().stream().filter(t -> t.type() == MediaType.VIDEO).mapToInt(Track::id)
                .findFirst().orElse(-1);
    }

    @Override
    public synchronized CompletableFuture<Void> open() {
        if (thread == null && !closing) {
            thread = new Thread(this::run, "kiln-push-" + spec.protocol().apiName() + "-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
        return opened;
    }

    @Override
    public void send(MediaPacket packet) {
        if (closing || !opened.isDone()) {
            return;
        }
        boolean restart = packet.keyframe() && (startTrack < 0 || packet.trackId() == startTrack);
        if (dropping && !restart) {
            dropped++;
            return;
        }
        packet.payload().retain();
        if (queue.offer(packet)) {
            dropping = false;
            if (done) {
                releaseQueued();
            }
        } else {
            packet.payload().release();
            if (!dropping) {
                log.debug("Push to {}: the network falls behind, dropping to the next key frame", url());
            }
            dropping = true;
            dropped++;
        }
    }

    @Override
    public long sentBytes() {
        return bytes.get();
    }

    @Override
    public CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            t = thread;
        }
        TsMuxer m = muxer;
        if (m != null) {
            m.interrupt();
        }
        if (t == null) {
            closed.complete(null);
            opened.completeExceptionally(new MuxException("closed before connecting"));
        } else {
            t.interrupt(); // wakes a wait on the queue
        }
    }

    /** The FFmpeg URL: the API's URL with Kiln's defaults added to its query. */
    String url() {
        return spec.url().toString();
    }

    Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        String query = spec.url().getRawQuery() == null ? "" : spec.url().getRawQuery();
        if (spec.protocol() == Protocol.MPEGTS) {
            if (!has(query, "pkt_size")) {
                o.put("pkt_size", "1316");
            }
            if (!has(query, "connect")) {
                o.put("connect", "1");
            }
        } else if (!has(query, "timeout") && !has(query, "rw_timeout")) {
            o.put("rw_timeout", RW_TIMEOUT_US);
        }
        return o;
    }

    /** SRT's connect timeout: the URL's {@code connect_timeout} (ms), else libsrt's default of 3 s. */
    long connectTimeoutMs() {
        for (String pair : (spec.url().getRawQuery() == null ? "" : spec.url().getRawQuery()).split("&")) {
            if (pair.startsWith("connect_timeout=")) {
                try {
                    return Long.parseLong(pair.substring("connect_timeout=".length()));
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        return 3000;
    }

    private static boolean has(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.equals(name) || pair.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    private void run() {
        TsMuxer m = null;
        Throwable failure = null;
        try {
            m = TsMuxer.create(spec.tracks());
            muxer = m;
            if (closing) {
                m.interrupt();
            }
            if (spec.protocol() == Protocol.SRT) {
                SrtProbe.await(spec.url().getHost(), spec.url().getPort(), connectTimeoutMs(), () -> closing);
            }
            m.connect(url(), options());
            if (closing) {
                throw new MuxException("closed while connecting");
            }
            opened.complete(null);
            loop(m);
        } catch (RuntimeException | LinkageError e) {
            failure = e;
        } finally {
            muxer = null;
            done = true;
            try {
                if (m != null) {
                    m.close();
                }
            } catch (RuntimeException e) {
                log.debug("Push to {}: closing the muxer failed: {}", TsMuxer.redact(url()), e.toString());
            }
            releaseQueued();
            if (failure != null && !closing) {
                opened.completeExceptionally(failure);
                closed.completeExceptionally(failure);
            } else {
                opened.completeExceptionally(new MuxException("closed before connecting"));
                closed.complete(null);
            }
        }
    }

    private void loop(TsMuxer m) {
        List<Track> tracks = spec.tracks();
        while (!closing) {
            MediaPacket p;
            try {
                p = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // close() wakes us; the loop condition decides
            }
            if (p == null) {
                continue;
            }
            try {
                int index = indexOf(tracks, p.trackId());
                if (index >= 0) {
                    m.write(index, p.pts(), p.dts(), p.keyframe(), p.payload().view());
                    bytes.set(m.bytes());
                }
            } finally {
                p.payload().release();
            }
        }
    }

    private static int indexOf(List<Track> tracks, int id) {
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    private void releaseQueued() {
        MediaPacket p;
        while ((p = queue.poll()) != null) {
            p.payload().release();
        }
    }
}
