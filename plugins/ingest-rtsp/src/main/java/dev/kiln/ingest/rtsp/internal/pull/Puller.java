package dev.kiln.ingest.rtsp.internal.pull;

import dev.kiln.api.error.KilnException;
import dev.kiln.api.error.UpstreamException;
import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.PullRequest;
import dev.kiln.api.stream.PullStreamProvider;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.ingest.rtsp.internal.av.RtspException;
import dev.kiln.ingest.rtsp.internal.av.RtspInput;
import dev.kiln.ingest.rtsp.internal.media.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.LongPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull stream, on a thread of its own: connects to the first URL that answers, opens the
 * input stream and feeds it; on loss reconnects (the same URL, then the next ones), keeping the
 * stream and its timeline; gives up when a round over all URLs fails (unless persistent: then it
 * keeps trying, with backoff) or when nobody used the stream for its unused timeout.
 *
 * <p>{@link #stop} (the stream's disconnector, or the bundle stopping) interrupts whatever FFmpeg
 * waits on, so the thread ends promptly.
 *
 * <p>A pull restored at start ({@code restored}) answers nobody: it tries its URLs in rounds, with
 * backoff, until one answers, and only then opens its stream.
 */
final class Puller {
    private static final Logger log = LoggerFactory.getLogger(Puller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How the REST API shows these streams' source. */
    static final String SOURCE_TYPE = "RtspPull";
    /** Longest wait for one URL to open and declare its tracks. */
    static final long CONNECT_TIMEOUT_MS = 5_000;
    /** How long after opening the first declaration waits for every stream's codec configuration. */
    static final long ALL_TRACKS_WAIT_MS = 2_000;
    /** Read timeout when the request turns the no-input failover off. */
    static final long DEFAULT_READ_TIMEOUT_MS = 10_000;
    /** Packets kept while the tracks are not declared yet. */
    static final int PENDING_LIMIT = 512;
    static final long BACKOFF_FIRST_MS = 1_000;
    static final long BACKOFF_MAX_MS = 30_000;
    /** How often the unused timeout and the byte counter are looked at. */
    static final long HOUSEKEEPING_MS = 500;

    private final PullRequest request;
    private final List<PullUrl> urls;
    private final StreamRegistry registry;
    private final CompletableFuture<Void> created;
    private final Listener listener;
    private final boolean restored;
    private final LongPointer interrupt = RtspInput.newInterrupt();
    private final Timeline timeline = new Timeline();
    private final List<Connection.Converted> pending = new ArrayList<>();
    private volatile boolean stopped;
    /** The stream is open (set once). */
    private volatile boolean opened;
    /** A new pull of the same name took this one's place: its saved entry is no longer this one's. */
    private volatile boolean replaced;
    private volatile String stopReason = "";
    private Thread thread;
    private StreamWriter writer;
    private List<Track> declared = List.of();
    /** Index of the URL of the current (or last) connection. */
    private int currentIndex;
    private long lastUsedNanos;
    private long lastHousekeepingNanos;
    private long bytesUncounted;

    /** What the owner of the pulls hears, on the pull's thread or the thread that deletes the stream. */
    interface Listener {
        /** The stream is open and about to be reported created; throwing refuses it. */
        void opened(Puller p);

        /** The stream was deleted (its disconnector ran). */
        void deleted(Puller p);

        /** The pull's thread ends. */
        void ended(Puller p);
    }

    Puller(PullRequest request, List<PullUrl> urls, StreamRegistry registry, CompletableFuture<Void> created,
           Listener listener, boolean restored) {
        this.request = request;
        this.urls = List.copyOf(urls);
        this.registry = registry;
        this.created = created;
        this.listener = listener;
        this.restored = restored;
    }

    PullRequest request() {
        return request;
    }

    /** A pull restored at start whose stream is not open yet (no URL has answered). */
    boolean waitingToRestore() {
        return restored && !opened;
    }

    /** Stops this pull for a new one of the same name. */
    void replace() {
        replaced = true;
        stop("replaced by a new pull of the same name");
    }

    boolean replaced() {
        return replaced;
    }

    synchronized void start() {
        thread = new Thread(this::run, "kiln-rtsp-pull-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the pull (any thread): FFmpeg's waits return, the thread closes the stream. */
    void stop(String why) {
        if (stopped) {
            return;
        }
        stopReason = why;
        stopped = true;
        RtspInput.interrupt(interrupt);
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits up to {@code millis} for the thread to end. */
    void join(long millis) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(millis);
        }
    }

    private void run() {
        Connection c = null;
        try {
            c = restored ? connectRestored() : connectFirst();
            while (c != null && !stopped) {
                String lost = pump(c);
                c.close();
                c = null;
                if (stopped) {
                    break;
                }
                log.warn("RTSP pull {}: lost {} ({}); reconnecting", request.key(), current(), lost);
                c = reconnect();
            }
        } catch (RuntimeException | LinkageError e) {
            log.error("RTSP pull {} failed", request.key(), e);
            created.completeExceptionally(new UpstreamException("Failed to pull the stream: " + e));
        } finally {
            if (c != null) {
                c.close();
            }
            releasePending();
            if (writer != null) {
                writer.close();
                log.info("RTSP pull {} ended{}", request.key(), stopReason.isEmpty() ? "" : ": " + stopReason);
            }
            listener.ended(this);
        }
    }

    private String current() {
        return urls.get(currentIndex).display();
    }

    /** Tries the URLs in order within the API's time; opens the stream on the first that works. */
    private Connection connectFirst() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PullStreamProvider.CREATE_TIMEOUT_MS - 500);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < urls.size() && !stopped; i++) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                failures.add(urls.get(i).display() + ": not tried, out of time");
                continue;
            }
            long deadline = System.nanoTime() + Math.min(left, TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS));
            try {
                Connection c = connect(urls.get(i), deadline);
                currentIndex = i;
                if (!openStream(c)) {
                    c.close();
                    return null;
                }
                return c;
            } catch (RtspException e) {
                failures.add(urls.get(i).display() + ": " + e.getMessage());
                log.info("RTSP pull {}: {} failed: {}", request.key(), urls.get(i).display(), e.getMessage());
            }
        }
        created.completeExceptionally(new UpstreamException("Failed to pull the stream [" + request.key()
                + "]: " + (stopped ? "stopped" : String.join("; ", failures))));
        return null;
    }

    /**
     * A restored pull's first connection: rounds over all URLs with backoff until one answers (the
     * first failed round is logged, the others only at debug level); null when stopped or refused.
     */
    private Connection connectRestored() {
        long backoff = BACKOFF_FIRST_MS;
        boolean reported = false;
        while (!stopped) {
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < urls.size() && !stopped; i++) {
                try {
                    Connection c = connect(urls.get(i), System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS));
                    currentIndex = i;
                    if (!openStream(c)) {
                        c.close();
                        return null;
                    }
                    return c;
                } catch (RtspException e) {
                    failures.add(urls.get(i).display() + ": " + e.getMessage());
                }
            }
            if (stopped) {
                break;
            }
            if (!reported) {
                log.warn("RTSP pull {} (restored): no URL answers ({}); retrying with backoff until one does",
                        request.key(), String.join("; ", failures));
                reported = true;
            } else {
                log.debug("RTSP pull {} (restored): no URL answers ({})", request.key(), String.join("; ", failures));
            }
            pause(backoff);
            backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        }
        created.completeExceptionally(new UpstreamException("Stopped before any URL answered"));
        return null;
    }

    /** Publishes the input stream with the first connection's tracks; false when that is refused. */
    private boolean openStream(Connection c) {
        PublishRequest publish = new PublishRequest(request.key(), SOURCE_TYPE, c.url.display(), () -> {
            listener.deleted(this);
            stop("deleted");
        });
        try {
            writer = registry.publish(publish);
        } catch (KilnException e) {
            if (restored) {
                log.warn("RTSP pull {} (restored): its stream cannot be opened: {}", request.key(), e.getMessage());
            }
            created.completeExceptionally(e);
            return false;
        }
        opened = true;
        lastUsedNanos = System.nanoTime();
        declare(c);
        flushPending();
        try {
            listener.opened(this);
        } catch (RuntimeException e) {
            log.error("RTSP pull {}: saving it failed", request.key(), e);
            created.completeExceptionally(new IllegalStateException("Failed to save the pull: " + e.getMessage(), e));
            return false;
        }
        if (!created.complete(null)) {
            stop("the API gave up waiting");
            return false;
        }
        log.info("RTSP pull {}: pulling {} over {}, tracks {}{}", request.key(), c.url.display(),
                c.url.transport(), declared, c.ignored().isEmpty() ? "" : " (left out: " + c.ignored() + ")");
        return true;
    }

    /**
     * Opens a URL and reads until its tracks are known: all of them, or after
     * {@link #ALL_TRACKS_WAIT_MS} at least one. Packets read meanwhile wait in {@link #pending}.
     */
    private Connection connect(PullUrl url, long deadline) {
        Connection c = Connection.open(url, interrupt, deadline);
        try {
            timeline.newConnection();
            releasePending();
            long allBy = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ALL_TRACKS_WAIT_MS));
            while (!c.allTracksKnown()) {
                boolean some = !c.tracks().isEmpty();
                if (some && System.nanoTime() - allBy > 0) {
                    return c; // waited long enough for the others: go with what is known
                }
                Connection.Converted p = c.read(some ? allBy : deadline);
                if (p != null && pending.size() < PENDING_LIMIT) {
                    pending.add(p);
                }
            }
            return c;
        } catch (RtspException e) {
            if (e.kind() == RtspException.Kind.TIMED_OUT && !c.tracks().isEmpty()) {
                return c;
            }
            c.close();
            throw e;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Feeds the stream until the connection is lost; returns why. */
    private String pump(Connection c) {
        long readTimeout = request.noInputFailoverTimeout().isZero() ? DEFAULT_READ_TIMEOUT_MS
                : request.noInputFailoverTimeout().toMillis();
        try {
            while (!stopped) {
                Connection.Converted p = c.read(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readTimeout));
                if (c.tracksChanged()) {
                    declare(c);
                }
                if (p != null) {
                    write(p);
                }
                if (housekeeping()) {
                    return "unused";
                }
            }
            return "stopped";
        } catch (RtspException e) {
            return e.kind() == RtspException.Kind.TIMED_OUT ? "no input for " + readTimeout + " ms" : e.getMessage();
        }
    }

    /**
     * After a loss: the same URL, then the next ones, once each; a persistent pull repeats such
     * rounds with backoff until stopped. Null when the pull gives up.
     */
    private Connection reconnect() {
        long backoff = BACKOFF_FIRST_MS;
        while (!stopped) {
            for (int k = 0; k < urls.size() && !stopped; k++) {
                int i = (currentIndex + k) % urls.size();
                keepAlive();
                try {
                    Connection c = connect(urls.get(i), System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS));
                    currentIndex = i;
                    declare(c);
                    flushPending();
                    log.info("RTSP pull {}: pulling {} again, tracks {}", request.key(), c.url.display(), declared);
                    return c;
                } catch (RtspException e) {
                    log.info("RTSP pull {}: {} failed: {}", request.key(), urls.get(i).display(), e.getMessage());
                }
                if (housekeeping()) {
                    stopReason = "unused";
                    return null;
                }
            }
            if (!request.persistent()) {
                stopReason = "no URL could be pulled";
                return null;
            }
            pause(backoff);
            backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        }
        return null;
    }

    /** Waits between rounds of attempts, keeping the stream alive (if open); a stop ends it early. */
    private void pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!stopped && System.nanoTime() - until < 0) {
            keepAlive();
            try {
                Thread.sleep(Math.min(1_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
            } catch (InterruptedException e) {
                // stop() wakes us; the loop condition decides
            }
        }
    }

    /** Keeps the kernel from dropping the stream as silent while this pull reconnects. */
    private void keepAlive() {
        if (writer != null) {
            writer.countBytesIn(0);
        }
    }

    private void declare(Connection c) {
        List<Track> tracks = c.tracks();
        if (!tracks.equals(declared) && writer != null) {
            declared = tracks;
            writer.setTracks(tracks);
        }
    }

    private void write(Connection.Converted p) {
        Timeline.Stamp t = timeline.map(p.trackId(), p.timescale(), p.pts(), p.dts());
        bytesUncounted += p.frame().data().length;
        writer.write(new MediaPacket(p.trackId(), t.pts(), t.dts(), p.frame().keyframe(),
                new HeapPayload(p.frame().data())));
    }

    private void flushPending() {
        for (Connection.Converted p : pending) {
            write(p);
        }
        pending.clear();
    }

    private void releasePending() {
        pending.clear(); // plain byte arrays: nothing to release
    }

    /**
     * Counts the bytes received and looks at the unused timeout, at most every
     * {@link #HOUSEKEEPING_MS}. True when the stream has been unused too long.
     */
    private boolean housekeeping() {
        long now = System.nanoTime();
        if (now - lastHousekeepingNanos < TimeUnit.MILLISECONDS.toNanos(HOUSEKEEPING_MS)) {
            return false;
        }
        lastHousekeepingNanos = now;
        if (writer != null && bytesUncounted > 0) {
            writer.countBytesIn(bytesUncounted);
            bytesUncounted = 0;
        }
        if (request.persistent() || request.unusedStreamDeletionTimeout().isZero()) {
            return false;
        }
        if (subscribers() > 0) {
            lastUsedNanos = now;
            return false;
        }
        if (now - lastUsedNanos > request.unusedStreamDeletionTimeout().toNanos()) {
            stopReason = "nobody used it for " + request.unusedStreamDeletionTimeout().toMillis() + " ms";
            stopped = true;
            return true;
        }
        return false;
    }

    /** Subscribers of the input stream and of the output streams made of it. */
    private long subscribers() {
        long n = registry.findInput(request.key()).map(s -> s.traffic().totalConnections()).orElse(0L);
        for (LiveStream o : registry.outputs(request.key().vhost(), request.key().app())) {
            if (o.inputKey().equals(request.key()) && !o.isInput()) {
                n += o.traffic().totalConnections();
            }
        }
        return n;
    }
}
