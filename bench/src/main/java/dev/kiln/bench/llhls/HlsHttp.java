package dev.kiln.bench.llhls;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.stream.SubscriptionOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The viewers' HTTP side: Armeria's asynchronous client over HTTP/1.1 keep-alive connections
 * (as players use them), playlists read whole, media bodies counted and released as they arrive
 * (pooled buffers, no copy).
 * One instance serves all viewers of a step.
 */
final class HlsHttp implements AutoCloseable {
    /** Longer than any blocking playlist reload (the spec lets a server hold one for 3 target durations). */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(20);

    private final ClientFactory factory;
    private final WebClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "viewer-timer");
        t.setDaemon(true);
        return t;
    });

    HlsHttp(String hostPort, int eventLoops) {
        this.factory = ClientFactory.builder()
                .maxNumEventLoopsPerEndpoint(eventLoops)
                .maxNumEventLoopsPerHttp1Endpoint(eventLoops)
                .connectTimeout(Duration.ofSeconds(10))
                .idleTimeout(Duration.ofSeconds(60))
                .build();
        this.client = WebClient.builder("h1c://" + hostPort)
                .factory(factory)
                .responseTimeout(RESPONSE_TIMEOUT)
                .maxResponseLength(0)
                .build();
    }

    /** GETs a playlist; fails on any status but 200. */
    CompletableFuture<String> text(String path) {
        return client.get(path).aggregate().thenApply(r -> {
            if (!r.status().equals(HttpStatus.OK)) {
                throw new IllegalStateException("GET " + path + ": HTTP " + r.status().code());
            }
            return r.contentUtf8();
        });
    }

    /** GETs a segment or part and completes with its size when the last byte is in; fails on any status but 200. */
    CompletableFuture<Long> media(String path) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        client.get(path).subscribe(new Subscriber<HttpObject>() {
            private long size;
            private int status;

            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(HttpObject o) {
                if (o instanceof ResponseHeaders headers) {
                    if (!headers.status().isInformational()) {
                        status = headers.status().code();
                    }
                } else if (o instanceof HttpData data) {
                    size += data.length();
                    data.close(); // pooled: counted and released, never copied to the heap
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                if (status == 200) {
                    done.complete(size);
                } else {
                    done.completeExceptionally(new IllegalStateException("GET " + path + ": HTTP " + status));
                }
            }
        }, SubscriptionOption.WITH_POOLED_OBJECTS);
        return done;
    }

    /** Runs {@code task} after {@code millis} on the shared timer thread (it only starts requests). */
    void later(long millis, Runnable task) {
        timer.schedule(task, Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** {@code uri} of a playlist line, as a path on the same server, relative to {@code playlistPath}. */
    static String resolve(String playlistPath, String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        String base = playlistPath;
        int query = base.indexOf('?');
        if (query >= 0) {
            base = base.substring(0, query);
        }
        return base.substring(0, base.lastIndexOf('/') + 1) + uri;
    }

    /** {@code path} with one more query parameter. */
    static String withQuery(String path, String parameters) {
        return path + (path.indexOf('?') < 0 ? '?' : '&') + parameters;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        factory.close();
    }
}
