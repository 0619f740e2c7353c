package dev.kiln.ingest.rtsp.internal.pull;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
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

/** The running RTSP pulls, one per stream name; creates them and stops them all at the end. */
public final class Pulls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pulls.class);
    /** URL schemes served. */
    public static final Set<String> SCHEMES = Set.of("rtsp", "rtsps");

    private final StreamRegistry registry;
    private final Map<StreamKey, Puller> running = new HashMap<>();
    private boolean closed;

    public Pulls(StreamRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts a pull; the future completes when its stream is open, or fails (see
     * {@link dev.kiln.api.stream.PullStreamProvider#create}).
     */
    public CompletableFuture<Void> create(PullRequest request) {
        CompletableFuture<Void> created = new CompletableFuture<>();
        List<PullUrl> urls = new ArrayList<>();
        try {
            for (int i = 0; i < request.urls().size(); i++) {
                URI u = request.urls().get(i);
                if (!SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT))) {
                    throw new InvalidArgumentException("[urls[" + i + "]] is not an RTSP URL: " + PullUrl.display(u));
                }
                urls.add(PullUrl.parse(i, u));
            }
        } catch (InvalidArgumentException e) {
            created.completeExceptionally(e);
            return created;
        }
        Puller p = new Puller(request, urls, registry, created, this::ended);
        synchronized (this) {
            if (closed) {
                created.completeExceptionally(new IllegalStateException("the RTSP pull plugin is stopping"));
                return created;
            }
            if (running.containsKey(request.key())) {
                created.completeExceptionally(new ConflictException(
                        "A stream with the same name already exists: [" + request.key() + "]"));
                return created;
            }
            running.put(request.key(), p);
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

    private void ended(Puller p) {
        synchronized (this) {
            running.remove(p.request().key(), p);
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
