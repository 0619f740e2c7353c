package dev.kiln.bench.llhls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated player, all asynchronous (no thread of its own). It loads the playlist named by
 * the URL (the first variant when it is a multivariant playlist), starts at the live edge (the
 * last part, or the last segment of a playlist without parts) and then follows the stream:
 *
 * <ul>
 *   <li>{@link Mode#LOW_LATENCY}: what an LL-HLS player does: a blocking playlist reload for the
 *       part after the last one listed ({@code _HLS_msn}, {@code _HLS_part}), then every new
 *       part, one after the other, then the next blocking reload;</li>
 *   <li>{@link Mode#POLLING}: what a plain HLS player does: reload the playlist one target
 *       duration after the last reload began when it brought new segments, half of one when it
 *       did not, and fetch every new segment.</li>
 * </ul>
 *
 * A failed request makes it start over after a second, as a player retries.
 */
final class Viewer {
    enum Mode { LOW_LATENCY, POLLING }

    private static final long RETRY_MILLIS = 1000;

    private final HlsHttp http;
    private final Delivery delivery;
    private final String url;
    private final Mode mode;
    private final AtomicLong windowBytes = new AtomicLong();
    private String mediaPath;
    private MediaPlaylist.Media last;
    private boolean lastLoadBroughtNew = true;

    Viewer(HlsHttp http, Delivery delivery, String url, Mode mode) {
        this.http = http;
        this.delivery = delivery;
        this.url = url;
        this.mode = mode;
    }

    /** Media bytes this viewer received inside the measured window. */
    long windowBytes() {
        return windowBytes.get();
    }

    void resetWindow() {
        windowBytes.set(0);
    }

    void start() {
        if (delivery.stopped()) {
            return;
        }
        last = null;
        http.text(url).thenCompose(text -> {
            delivery.playlist(text.length());
            if (MediaPlaylist.isMultivariant(text)) {
                mediaPath = HlsHttp.resolve(url, MediaPlaylist.firstVariant(text));
                return http.text(mediaPath).thenApply(media -> {
                    delivery.playlist(media.length());
                    return media;
                });
            }
            mediaPath = url;
            return CompletableFuture.completedFuture(text);
        }).thenCompose(text -> {
            long start = System.nanoTime();
            MediaPlaylist playlist = seen(text);
            List<MediaPlaylist.Media> media = useParts(playlist) ? playlist.parts() : playlist.segments();
            if (media.isEmpty()) {
                throw new IllegalStateException(mediaPath + " lists nothing yet");
            }
            return fetch(List.of(media.get(media.size() - 1))).thenApply(v -> {
                next(playlist, start);
                return null;
            });
        }).exceptionally(this::retry);
    }

    private boolean useParts(MediaPlaylist playlist) {
        return mode == Mode.LOW_LATENCY && !playlist.parts().isEmpty();
    }

    private void next(MediaPlaylist previous, long previousStart) {
        if (delivery.stopped()) {
            return;
        }
        if (mode == Mode.LOW_LATENCY) {
            reload(HlsHttp.withQuery(mediaPath, "_HLS_msn=" + previous.nextMsn() + "&_HLS_part=" + previous.nextPart()));
        } else {
            double interval = (lastLoadBroughtNew ? 1.0 : 0.5) * Math.max(previous.targetDuration(), 0.5);
            long elapsedMillis = (System.nanoTime() - previousStart) / 1_000_000;
            http.later((long) (interval * 1000) - elapsedMillis, () -> reload(mediaPath));
        }
    }

    private void reload(String path) {
        if (delivery.stopped()) {
            return;
        }
        long start = System.nanoTime();
        http.text(path).thenCompose(text -> {
            delivery.playlist(text.length());
            MediaPlaylist playlist = seen(text);
            List<MediaPlaylist.Media> fresh = new ArrayList<>();
            for (MediaPlaylist.Media m : useParts(playlist) ? playlist.parts() : playlist.segments()) {
                if (last == null || m.compareTo(last) > 0) {
                    fresh.add(m);
                }
            }
            lastLoadBroughtNew = !fresh.isEmpty();
            return fetch(fresh).thenApply(v -> {
                if (mode == Mode.LOW_LATENCY && fresh.isEmpty()) {
                    // A blocking reload that brought nothing new: do not spin on a server that does not block.
                    http.later(100, () -> next(playlist, start));
                } else {
                    next(playlist, start);
                }
                return null;
            });
        }).exceptionally(this::retry);
    }

    /** Notes every segment and part of the playlist as advertised now; returns it parsed. */
    private MediaPlaylist seen(String text) {
        long now = System.nanoTime();
        MediaPlaylist playlist = MediaPlaylist.parse(text);
        for (MediaPlaylist.Media m : playlist.parts()) {
            delivery.advertised(HlsHttp.resolve(mediaPath, m.uri()), now);
        }
        for (MediaPlaylist.Media m : playlist.segments()) {
            delivery.advertised(HlsHttp.resolve(mediaPath, m.uri()), now);
        }
        return playlist;
    }

    /** Fetches {@code media} one after the other. */
    private CompletableFuture<Void> fetch(List<MediaPlaylist.Media> media) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (MediaPlaylist.Media m : media) {
            String path = HlsHttp.resolve(mediaPath, m.uri());
            chain = chain.thenCompose(v -> http.media(path).thenAccept(size -> {
                delivery.delivered(path, System.nanoTime(), size);
                if (delivery.measuring()) {
                    windowBytes.addAndGet(size);
                }
                last = m;
            }));
        }
        return chain;
    }

    private Void retry(Throwable failure) {
        if (!delivery.stopped()) {
            delivery.error(failure);
            http.later(RETRY_MILLIS, this::start);
        }
        return null;
    }
}
