package dev.kiln.publish.llhls.internal;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.publish.PlaybackPublisher;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamListener;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.Subscription;
import dev.kiln.publish.llhls.internal.dump.HlsDump;
import dev.kiln.publish.llhls.internal.http.Streams;
import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an LL-HLS packager for every output stream of an application that enables the
 * {@code llhls} publisher, subscribed to the media bus (uncounted: viewers are counted by the
 * playback server), and implements the publisher SPI: events and HLS dumps.
 */
public final class LlhlsPublisher implements StreamListener, PlaybackPublisher, Streams, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LlhlsPublisher.class);
    /** Packets a packager's queue holds before the bus drops to the next key frame. */
    private static final int QUEUE_SIZE = 2048;

    private final StreamRegistry registry;
    private final ExecutorService dumpIo;
    private final Map<StreamKey, Entry> entries = new LinkedHashMap<>();

    private static final class Entry {
        final StreamPackager packager;
        Subscription subscription;
        final Map<String, HlsDump> dumps = new LinkedHashMap<>();

        Entry(StreamPackager packager) {
            this.packager = packager;
        }
    }

    public LlhlsPublisher(StreamRegistry registry) {
        this.registry = registry;
        this.dumpIo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kiln-llhls-dump");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void streamCreated(LiveStream stream) {
        if (stream.isInput()) {
            return;
        }
        StreamKey key = stream.key();
        Optional<Map<String, Object>> json = registry.publisherSettings(key.vhost(), key.app(), "llhls");
        if (json.isEmpty()) {
            log.debug("{} has no llhls publisher: no LL-HLS output", key.appPath());
            return;
        }
        LlhlsSettings settings;
        try {
            settings = LlhlsSettings.from(json.get());
        } catch (IllegalArgumentException e) {
            log.warn("{}: {}; the LL-HLS output of {} uses the defaults", key.appPath(), e.getMessage(), key);
            settings = LlhlsSettings.DEFAULTS;
        }
        StreamPackager packager = new StreamPackager(stream, settings);
        Entry e = new Entry(packager);
        synchronized (this) {
            Entry old = entries.get(key);
            if (old != null && old.packager.stream() == stream) {
                return; // packaged already: a stream live at start whose event also reached us
            }
            entries.put(key, e);
            if (old != null) {
                closeEntry(old);
            }
        }
        Subscription s = stream.subscribe(packager, LiveStream.UNCOUNTED, QUEUE_SIZE);
        synchronized (this) {
            if (entries.get(key) == e) {
                e.subscription = s;
                s = null;
            }
        }
        if (s != null) {
            s.close();
        }
        log.info("LL-HLS output of {}: /{}/{}/llhls.m3u8 (parts {} s, segments {} s x {})", key, key.app(), key.name(),
                settings.partTarget(), settings.segmentDuration(), settings.segmentCount());
    }

    /**
     * Packages the output streams that were live before this publisher started (its bundle was
     * installed or replaced while the server ran). Call it once the publisher is registered as
     * a stream listener, or right before: a stream both listed here and announced by an event
     * is packaged once, and one that ended meanwhile is dropped again.
     */
    public void packageLiveStreams() {
        List<LiveStream> live = registry.outputs();
        live.forEach(this::streamCreated);
        for (LiveStream s : live) {
            if (registry.findOutput(s.key()).orElse(null) != s) {
                streamClosed(s); // ended before its close event could reach this publisher
            }
        }
        if (!live.isEmpty()) {
            log.info("LL-HLS publisher started with {} live output stream(s)", live.size());
        }
    }

    @Override
    public void streamClosed(LiveStream stream) {
        if (stream.isInput()) {
            return;
        }
        Entry e;
        synchronized (this) {
            e = entries.get(stream.key());
            if (e == null || e.packager.stream() != stream) {
                return;
            }
            entries.remove(stream.key());
        }
        closeEntry(e);
    }

    private void closeEntry(Entry e) {
        if (e.subscription != null) {
            e.subscription.close(); // its end finishes the packager and the dumps
        }
    }

    @Override
    public synchronized Optional<StreamPackager> find(StreamKey key) {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(e.packager);
    }

    @Override
    public synchronized List<StreamPackager> all() {
        List<StreamPackager> list = new ArrayList<>();
        entries.values().forEach(e -> list.add(e.packager));
        return list;
    }

    @Override
    public String resolveVhost(String host) {
        return registry.resolveVhost(host);
    }

    @Override
    public int sendEvent(StreamKey input, PlaybackEvent event) {
        int n = 0;
        for (StreamPackager p : all()) {
            if (p.stream().inputKey().equals(input) && p.sendEvent(event) > 0) {
                n++;
            }
        }
        log.info("ID3 event for {} queued in {} LL-HLS output(s)", input, n);
        return n;
    }

    @Override
    public void startHlsDump(HlsDumpRequest request) {
        Entry e;
        synchronized (this) {
            e = entries.get(request.output());
            if (e == null) {
                throw new NotFoundException("Could not find the LL-HLS output of the stream: [" + request.output()
                        + "]");
            }
            if (e.dumps.containsKey(request.id())) {
                throw new ConflictException("An HLS dump with the id [" + request.id() + "] is already running on "
                        + request.output());
            }
        }
        HlsDump dump = new HlsDump(request, e.packager, dumpIo, this::dumpEnded);
        synchronized (this) {
            if (e.dumps.putIfAbsent(request.id(), dump) != null) {
                throw new ConflictException("An HLS dump with the id [" + request.id() + "] is already running on "
                        + request.output());
            }
        }
        try {
            dump.start();
        } catch (RuntimeException ex) {
            synchronized (this) {
                e.dumps.remove(request.id(), dump);
            }
            throw ex;
        }
    }

    private synchronized void dumpEnded(HlsDump dump) {
        for (Entry e : entries.values()) {
            e.dumps.values().remove(dump);
        }
    }

    @Override
    public int stopHlsDump(StreamKey output, String id) {
        List<HlsDump> stopping = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.get(output);
            if (e == null) {
                throw new NotFoundException("Could not find the LL-HLS output of the stream: [" + output + "]");
            }
            if (id == null || id.isEmpty()) {
                stopping.addAll(e.dumps.values());
            } else if (e.dumps.containsKey(id)) {
                stopping.add(e.dumps.get(id));
            } else {
                throw new NotFoundException("Could not find the HLS dump [" + id + "] of " + output);
            }
        }
        stopping.forEach(HlsDump::stop);
        return stopping.size();
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        all.forEach(this::closeEntry);
        dumpIo.shutdown();
    }
}
