package dev.kiln.runtime.media;

import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamListener;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers stream lifecycle events to the registered {@link StreamListener}s, in order, on
 * one thread of their own: never on an ingest thread, and a listener that throws is logged
 * and does not stop the others.
 */
public final class StreamEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamEvents.class);

    private final Supplier<List<StreamListener>> listeners;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kiln-stream-events");
        t.setDaemon(true);
        return t;
    });

    public StreamEvents(Supplier<List<StreamListener>> listeners) {
        this.listeners = listeners;
    }

    void created(LiveStream s) {
        fire("created", s, (l, st) -> l.streamCreated(st));
    }

    void tracksReady(LiveStream s) {
        fire("tracksReady", s, (l, st) -> l.tracksReady(st, st.tracks()));
    }

    void closed(LiveStream s) {
        fire("closed", s, (l, st) -> l.streamClosed(st));
    }

    private void fire(String what, LiveStream s, BiConsumer<StreamListener, LiveStream> call) {
        try {
            thread.execute(() -> {
                for (StreamListener l : listeners.get()) {
                    try {
                        call.accept(l, s);
                    } catch (RuntimeException | LinkageError e) {
                        log.warn("Stream listener {} failed on {} of {}: {}", l.getClass().getName(), what, s.key(),
                                e.toString(), e);
                    }
                }
            });
        } catch (RuntimeException e) {
            log.debug("Stream event {} of {} not delivered: {}", what, s.key(), e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
