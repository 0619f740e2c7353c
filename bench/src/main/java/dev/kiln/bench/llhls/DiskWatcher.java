package dev.kiln.bench.llhls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For the nginx baseline: reads the playlist file ffmpeg replaces every 10 ms and marks each
 * segment advertised the moment the file on disk lists it, so a polling viewer's delivery delay
 * includes how long its polling left a segment unseen, as an LL-HLS viewer's includes its
 * blocking reload.
 */
final class DiskWatcher implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    DiskWatcher(Path playlist, String playlistPath, Delivery delivery) {
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    String text = Files.readString(playlist, StandardCharsets.UTF_8);
                    long now = System.nanoTime();
                    for (MediaPlaylist.Media m : MediaPlaylist.parse(text).segments()) {
                        delivery.advertised(HlsHttp.resolve(playlistPath, m.uri()), now);
                    }
                } catch (IOException | RuntimeException e) {
                    // being replaced, or not there yet: read it again
                }
                try {
                    Thread.sleep(10); // the watcher's sampling period
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "disk-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
