package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.Viewer;
import dev.kiln.api.stream.UnavailableTrack;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input stream on the media bus: the source writes packets, which are measured, kept in
 * the GOP cache and handed by reference to every subscriber's queue. The source's thread
 * only takes this stream's lock and each queue's lock for an append: it never waits on a
 * sink.
 */
final class BusInput implements StreamWriter, LiveStream {
    private static final Logger log = LoggerFactory.getLogger(BusInput.class);

    private final PublishRequest request;
    private final OffsetDateTime created;
    private final Executor sinkExecutor;
    private final StreamEvents events;
    private final Consumer<BusInput> onClosed;
    private final TrafficMeter traffic;
    private final Clock clock;

    private final GopCache gop = new GopCache(2000, 32L << 20);
    private final List<SubscriberQueue> subscribers = new ArrayList<>();
    private final Map<Integer, TrackMeter> meters = new HashMap<>();
    private volatile List<Track> tracks = List.of();
    private volatile List<ProfileOutput> outputs = List.of();
    private Set<Integer> videoIds = Set.of();
    private volatile long lastActivityMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean disconnecting = new AtomicBoolean();
    /** False for the internal stream a transcoder writes into: its output announces itself. */
    private final boolean announce;

    BusInput(PublishRequest request, Clock clock, Executor sinkExecutor, StreamEvents events,
             Consumer<BusInput> onClosed) {
        this(request, clock, sinkExecutor, events, onClosed, true);
    }

    private BusInput(PublishRequest request, Clock clock, Executor sinkExecutor, StreamEvents events,
                     Consumer<BusInput> onClosed, boolean announce) {
        this.announce = announce;
        this.request = request;
        this.clock = clock;
        this.created = TrafficMeter.time(clock.instant());
        this.sinkExecutor = sinkExecutor;
        this.events = events;
        this.onClosed = onClosed;
        this.traffic = new TrafficMeter(clock);
        this.lastActivityMillis = clock.millis();
    }

    /**
     * A stream for a transcoder to write one output into: same clock, sink threads and
     * source type; deleting it disconnects this input; it sends no lifecycle events.
     */
    BusInput derive(StreamKey outputKey) {
        return new BusInput(new PublishRequest(outputKey, sourceType(), remote(), this::disconnect), clock,
                sinkExecutor, events, b -> {}, false);
    }

    void attachOutputs(List<ProfileOutput> outs) {
        this.outputs = List.copyOf(outs);
    }

    List<ProfileOutput> outputs() {
        return outputs;
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    String remote() {
        return request.remote();
    }

    // ---- StreamWriter ----

    @Override
    public StreamKey key() {
        return request.key();
    }

    @Override
    public void setTracks(List<Track> newTracks) {
        List<Track> copy = List.copyOf(newTracks);
        Set<Integer> ids = new HashSet<>();
        for (Track t : copy) {
            if (!ids.add(t.id())) {
                throw new IllegalArgumentException("track id " + t.id() + " appears twice in " + key());
            }
        }
        synchronized (this) {
            if (closed.get()) {
                return;
            }
            tracks = copy;
            Set<Integer> video = new HashSet<>();
            for (Track t : copy) {
                meters.computeIfAbsent(t.id(), id -> new TrackMeter(t.timescale()));
                if (t.type() == MediaType.VIDEO) {
                    video.add(t.id());
                }
            }
            meters.keySet().retainAll(ids);
            videoIds = Set.copyOf(video);
            gop.clear();
            for (SubscriberQueue q : subscribers) {
                q.offerTracks(copy);
            }
            for (ProfileOutput o : outputs) {
                o.replan(copy);
            }
        }
        log.info("Stream {} tracks: {}", key(), copy);
        if (announce) {
            events.tracksReady(this);
            outputs.forEach(events::tracksReady);
        }
    }

    @Override
    public void write(MediaPacket packet) {
        try {
            synchronized (this) {
                if (closed.get()) {
                    return;
                }
                TrackMeter meter = meters.get(packet.trackId());
                if (meter == null) {
                    return;
                }
                lastActivityMillis = clock.millis();
                meter.add(packet);
                boolean hasVideo = !videoIds.isEmpty();
                boolean isVideo = videoIds.contains(packet.trackId());
                gop.add(packet, isVideo && packet.keyframe(), hasVideo);
                boolean resumePoint = packet.keyframe() && (isVideo || !hasVideo);
                for (SubscriberQueue q : subscribers) {
                    q.offerPacket(packet.retain(), resumePoint);
                }
            }
        } finally {
            packet.payload().release();
        }
    }

    @Override
    public void countBytesIn(long bytes) {
        lastActivityMillis = clock.millis();
        traffic.countIn(bytes);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<SubscriberQueue> subs;
        synchronized (this) {
            gop.clear();
            subs = new ArrayList<>(subscribers);
        }
        subs.forEach(SubscriberQueue::offerEnd);
        onClosed.accept(this);
        outputs.forEach(ProfileOutput::inputClosed);
        if (announce) {
            outputs.forEach(events::closed);
            events.closed(this);
            log.info("Stream {} closed", key());
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    // ---- LiveStream ----

    @Override
    public boolean isInput() {
        return true;
    }

    @Override
    public StreamKey inputKey() {
        return key();
    }

    @Override
    public String sourceType() {
        return request.sourceType();
    }

    @Override
    public OffsetDateTime createdTime() {
        return created;
    }

    @Override
    public List<Track> tracks() {
        return tracks;
    }

    @Override
    public List<UnavailableTrack> unavailableTracks() {
        return List.of();
    }

    @Override
    public synchronized TrackStats trackStats(int trackId) {
        TrackMeter m = meters.get(trackId);
        return m == null ? TrackStats.NONE : m.stats();
    }

    @Override
    public TrafficStats traffic() {
        return traffic.stats();
    }

    @Override
    public Subscription subscribe(StreamSink sink, String kind, int queueSize) {
        boolean counted = !UNCOUNTED.equals(kind);
        SubscriberQueue q = new SubscriberQueue(sink, sinkExecutor, queueSize, kind, key().toString(),
                this::detach, counted ? traffic::countOut : bytes -> { });
        synchronized (this) {
            if (closed.get()) {
                q.offerEnd();
                return q;
            }
            if (!tracks.isEmpty()) {
                q.offerTracks(tracks);
            }
            boolean first = true;
            for (MediaPacket p : gop.snapshot()) {
                q.offerPacket(p, first);
                first = false;
            }
            subscribers.add(q);
        }
        if (counted) {
            traffic.connectionOpened(kind);
        }
        return q;
    }

    private void detach(SubscriberQueue q) {
        boolean removed;
        synchronized (this) {
            removed = subscribers.remove(q);
        }
        if (removed && !UNCOUNTED.equals(q.kind())) {
            traffic.connectionClosed(q.kind());
        }
    }

    @Override
    public Viewer openViewer(String kind) {
        if (kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("a viewer needs a connection kind");
        }
        traffic.connectionOpened(kind);
        AtomicBoolean open = new AtomicBoolean(true);
        return new Viewer() {
            @Override
            public void sent(long bytes) {
                traffic.countOut(bytes);
            }

            @Override
            public void close() {
                if (open.compareAndSet(true, false)) {
                    traffic.connectionClosed(kind);
                }
            }
        };
    }

    @Override
    public void disconnect() {
        if (disconnecting.compareAndSet(false, true)) {
            try {
                request.disconnector().run();
            } catch (RuntimeException e) {
                log.warn("Disconnecting the source of {} failed: {}", key(), e.toString());
            }
        }
        close();
    }
}
