package dev.kiln.publish.llhls.internal.packager;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.publish.llhls.internal.LlhlsSettings;
import dev.kiln.publish.llhls.internal.fmp4.Emsg;
import dev.kiln.publish.llhls.internal.fmp4.Id3Tag;
import dev.kiln.publish.llhls.internal.fmp4.TrackFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LL-HLS output of one output stream: a {@link StreamSink} on the media bus that feeds one
 * {@link TrackPackager} per packageable track, wakes the requests parked on a future part and
 * tells the stream's HLS dumps about completed segments. Tracks the packager cannot package
 * (VP8, VP9, AV1, MP3, …) are left out with a log line.
 */
public final class StreamPackager implements StreamSink, TrackPackager.Listener {
    private static final Logger log = LoggerFactory.getLogger(StreamPackager.class);

    /** Something waiting for the stream to change (a parked request, a dump). */
    public interface Watcher {
        /** A part or segment was added to some track. Return true to stay registered. */
        boolean changed(StreamPackager stream);
    }

    /** Gets the segments of every track as they complete (a dump). */
    public interface SegmentListener {
        void segmentCompleted(StreamPackager stream, TrackPackager track, Segment segment);

        void streamEnded(StreamPackager stream);
    }

    private final LiveStream stream;
    private final LlhlsSettings settings;
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final List<SegmentListener> segmentListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong eventIds = new AtomicLong();
    private volatile List<TrackPackager> tracks = List.of();
    private volatile boolean ended;
    /** Bumped on every part, segment and end: a rendered playlist of an older version is stale. */
    private volatile long version;
    /** Wall clock minus media time, milliseconds: the smallest seen is the live one. */
    private volatile long clockOffsetMs = Long.MAX_VALUE;

    public StreamPackager(LiveStream stream, LlhlsSettings settings) {
        this.stream = stream;
        this.settings = settings;
    }

    public StreamKey key() {
        return stream.key();
    }

    public LiveStream stream() {
        return stream;
    }

    public LlhlsSettings settings() {
        return settings;
    }

    public List<TrackPackager> tracks() {
        return tracks;
    }

    public Optional<TrackPackager> track(int id) {
        for (TrackPackager t : tracks) {
            if (t.trackId() == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public boolean isEnded() {
        return ended;
    }

    /**
     * True when every track has a complete segment (LL-HLS clients could start on parts alone,
     * but plain HLS players such as ffmpeg give up on a playlist without segments), or when a
     * track has two while another has nothing: a track that never gets packets does not hold
     * the others back (it is left out of the multivariant playlist until it has parts).
     */
    public boolean isReady() {
        List<TrackPackager> ts = tracks;
        if (ts.isEmpty() || ended) {
            return false;
        }
        boolean all = true;
        int most = 0;
        for (TrackPackager t : ts) {
            int n = t.window().segments().size();
            all &= n > 0;
            most = Math.max(most, n);
        }
        return all || most >= 2;
    }

    /** Wall-clock time (epoch ms) of a media time in ms, or -1 before the first packet. */
    public long wallClock(double mediaMs) {
        long offset = clockOffsetMs;
        return offset == Long.MAX_VALUE ? -1 : offset + Math.round(mediaMs);
    }

    public void watch(Watcher w) {
        watchers.add(w);
        if (!w.changed(this)) { // it may be satisfied already
            watchers.remove(w);
        }
    }

    public void unwatch(Watcher w) {
        watchers.remove(w);
    }

    public void addSegmentListener(SegmentListener l) {
        segmentListeners.add(l);
    }

    public void removeSegmentListener(SegmentListener l) {
        segmentListeners.remove(l);
    }

    /**
     * Queues an ID3 event for the next part of the chosen tracks.
     *
     * @return how many tracks got it
     */
    public int sendEvent(PlaybackEvent event) {
        byte[] id3 = Id3Tag.of(event.frames());
        long id = eventIds.incrementAndGet();
        int n = 0;
        for (TrackPackager t : tracks) {
            boolean video = t.format().isVideo();
            if (event.target() == PlaybackEvent.Target.ALL
                    || (event.target() == PlaybackEvent.Target.VIDEO && video)
                    || (event.target() == PlaybackEvent.Target.AUDIO && !video)) {
                long[] next = t.window().nextPart();
                double startMs = t.window().segment(next[0]).map(Segment::startMs).orElse(0.0);
                Segment open = t.window().open();
                double at = open == null ? startMs : open.startMs() + open.duration() * 1000;
                long presentation = Math.round(at * t.format().timescale() / 1000.0);
                t.queueEmsg(Emsg.id3(t.format().timescale(), presentation, id, id3));
                n++;
            }
        }
        return n;
    }

    @Override
    public void onTracks(List<Track> list) {
        Map<Integer, TrackPackager> now = new LinkedHashMap<>();
        for (TrackPackager t : tracks) {
            now.put(t.trackId(), t);
        }
        List<TrackPackager> next = new ArrayList<>();
        for (Track track : list) {
            if (track.type() != MediaType.VIDEO && track.type() != MediaType.AUDIO) {
                continue;
            }
            TrackPackager existing = now.get(track.id());
            if (existing != null && existing.format().track().equals(track)) {
                next.add(existing);
                continue;
            }
            Optional<TrackFormat> format = TrackFormat.of(track);
            if (format.isEmpty()) {
                log.info("LL-HLS output of {} leaves out {}: not packaged as CMAF here", stream.key(), track);
                continue;
            }
            next.add(new TrackPackager(format.get(), settings, this));
        }
        // Video first: the multivariant playlist lists video variants with their audio.
        next.sort((a, b) -> Boolean.compare(!a.format().isVideo(), !b.format().isVideo()));
        tracks = List.copyOf(next);
        log.info("LL-HLS output of {}: tracks {}", stream.key(),
                next.stream().map(t -> t.format().codecs()).toList());
    }

    @Override
    public void onPacket(MediaPacket packet) {
        TrackPackager t = null;
        for (TrackPackager x : tracks) {
            if (x.trackId() == packet.trackId()) {
                t = x;
                break;
            }
        }
        if (t == null) {
            packet.payload().release();
            return;
        }
        long offset = System.currentTimeMillis()
                - Math.round(packet.dts() * 1000.0 / t.format().track().timescale());
        if (offset < clockOffsetMs) {
            clockOffsetMs = offset;
        }
        t.accept(packet);
    }

    @Override
    public void onEnd() {
        for (TrackPackager t : tracks) {
            t.finish();
        }
        ended = true;
        version++;
        wake();
        for (SegmentListener l : segmentListeners) {
            try {
                l.streamEnded(this);
            } catch (RuntimeException e) {
                log.warn("An HLS dump of {} failed at the stream's end: {}", stream.key(), e.toString());
            }
        }
    }

    /** Changes whenever any track gains a part or segment, or the stream ends. */
    public long version() {
        return version;
    }

    /** The clock offset the program date-times are rendered with (part of a cache key). */
    long clockOffset() {
        return clockOffsetMs;
    }

    @Override
    public void partAdded(TrackPackager track, Part part) {
        version++;
        wake();
    }

    @Override
    public void segmentCompleted(TrackPackager track, Segment segment) {
        for (SegmentListener l : segmentListeners) {
            try {
                l.segmentCompleted(this, track, segment);
            } catch (RuntimeException e) {
                log.warn("An HLS dump of {} failed: {}", stream.key(), e.toString());
            }
        }
        version++;
        wake();
    }

    private void wake() {
        for (Iterator<Watcher> it = watchers.iterator(); it.hasNext(); ) {
            Watcher w = it.next();
            boolean keep;
            try {
                keep = w.changed(this);
            } catch (RuntimeException e) {
                log.warn("A waiting LL-HLS request of {} failed: {}", stream.key(), e.toString());
                keep = false;
            }
            if (!keep) {
                it.remove();
            }
        }
    }
}
