package dev.kiln.ingest.rtsp.internal.pull;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.PullRequest;
import dev.kiln.api.stream.StreamRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running RTSP pulls, one per stream name; creates them, keeps them in the state store while
 * they run, restores the stored ones at start, and stops them all at the end.
 *
 * <p>A pull is saved once its stream is open, before the API hears it was created. Its entry goes
 * when its stream is deleted or the pull gives up (no URL works and it is not persistent, or nobody
 * used it), and stays when the plugin stops (the server stopping): then it is restored at the next
 * start.
 */
public final class Pulls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pulls.class);
    /** URL schemes served. */
    public static final Set<String> SCHEMES = Set.of("rtsp", "rtsps");

    private final StreamRegistry registry;
    private final PullStore store;
    private final Puller.Listener listener = new Puller.Listener() {
        @Override
        public void opened(Puller p) {
            store.save(p.request());
        }

        @Override
        public void deleted(Puller p) {
            forget(p);
        }

        @Override
        public void ended(Puller p) {
            synchronized (Pulls.this) {
                running.remove(p.request().key(), p);
                forget(p); // before a new pull of the name can start
            }
        }
    };
    private final Map<StreamKey, Puller> running = new HashMap<>();
    private boolean closed;

    public Pulls(StreamRegistry registry, StateStore store) {
        this.registry = registry;
        this.store = new PullStore(store);
    }

    /**
     * Starts the stored pulls again, each in the background: a pull's stream opens when one of its
     * URLs answers; until then its URLs are tried in rounds with backoff. Returns at once.
     */
    public void restore() {
        List<PullRequest> saved = store.loadAll((key, e) ->
                log.warn("Stored RTSP pull {} cannot be read, left out: {}", key, e.toString()));
        for (PullRequest r : saved) {
            List<PullUrl> urls;
            try {
                urls = parse(r);
            } catch (InvalidArgumentException e) {
                log.warn("Stored RTSP pull {} left out: {}", r.key(), e.getMessage());
                continue;
            }
            Puller p = new Puller(r, urls, registry, new CompletableFuture<>(), listener, true);
            synchronized (this) {
                if (closed || running.containsKey(r.key())) {
                    continue;
                }
                running.put(r.key(), p);
            }
            p.start();
        }
        if (!saved.isEmpty()) {
            log.info("Restoring {} RTSP pull(s)", saved.size());
        }
    }

    /**
     * Starts a pull; the future completes when its stream is open, or fails (see
     * {@link dev.kiln.api.stream.PullStreamProvider#create}).
     */
    public CompletableFuture<Void> create(PullRequest request) {
        CompletableFuture<Void> created = new CompletableFuture<>();
        List<PullUrl> urls;
        try {
            urls = parse(request);
        } catch (InvalidArgumentException e) {
            created.completeExceptionally(e);
            return created;
        }
        Puller p = new Puller(request, urls, registry, created, listener, false);
        Puller previous;
        synchronized (this) {
            if (closed) {
                created.completeExceptionally(new IllegalStateException("the RTSP pull plugin is stopping"));
                return created;
            }
            previous = running.get(request.key());
            if (previous != null && !previous.waitingToRestore()) {
                created.completeExceptionally(new ConflictException(
                        "A stream with the same name already exists: [" + request.key() + "]"));
                return created;
            }
            running.put(request.key(), p);
            if (previous != null) {
                // A restored pull still waiting for its source: the new request takes its place
                // (and its saved entry: replaced on success, removed on failure).
                previous.replace();
            }
        }
        if (previous != null) {
            log.info("RTSP pull {}: replaces the restored pull that was waiting for its source", request.key());
        }
        // Whoever completes the future first wins: a caller that gave up waiting stops the pull.
        created.whenComplete((ok, failure) -> {
            if (failure != null) {
                p.stop("creation failed");
            }
        });
        p.start();
        return created;
    }

    /** Pulls running now. */
    public synchronized int size() {
        return running.size();
    }

    private static List<PullUrl> parse(PullRequest request) {
        List<PullUrl> urls = new ArrayList<>();
        for (int i = 0; i < request.urls().size(); i++) {
            URI u = request.urls().get(i);
            if (!SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT))) {
                throw new InvalidArgumentException("[urls[" + i + "]] is not an RTSP URL: " + PullUrl.display(u));
            }
            urls.add(PullUrl.parse(i, u));
        }
        return urls;
    }

    /** Removes a pull's saved entry, unless the plugin is stopping or a new pull took its place. */
    private synchronized void forget(Puller p) {
        if (!closed && !p.replaced()) {
            store.delete(p.request().key());
        }
    }

    /** Stops every pull and waits (briefly) for their threads: their streams end. */
    @Override
    public void close() {
        List<Puller> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(running.values());
        }
        all.forEach(p -> p.stop("the RTSP pull plugin stops"));
        for (Puller p : all) {
            try {
                p.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.debug("Stopped {} RTSP pull(s)", all.size());
    }
}
