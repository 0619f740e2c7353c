package dev.kiln.publish.llhls.internal.packager;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.publish.llhls.internal.LlhlsSettings;
import dev.kiln.publish.llhls.internal.fmp4.Fragment;
import dev.kiln.publish.llhls.internal.fmp4.InitSegment;
import dev.kiln.publish.llhls.internal.fmp4.Sample;
import dev.kiln.publish.llhls.internal.fmp4.TrackFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one track into parts and segments. A frame is held until the next one arrives (its
 * duration is the gap between their decoding times); a part is closed before a frame that
 * would take it past the part target, and a segment before the first key frame (any frame for
 * audio) at or past the segment duration. Video starts at its first key frame.
 *
 * <p>Called from one thread (the stream's sink); readers see the immutable {@link #window()}.
 */
public final class TrackPackager {
    /** Listens to a track's progress (called on the sink thread). */
    public interface Listener {
        void partAdded(TrackPackager track, Part part);

        void segmentCompleted(TrackPackager track, Segment segment);
    }

    private static final int AAC_FRAME = 1024;

    private final TrackFormat format;
    private final LlhlsSettings settings;
    private final Listener listener;
    private final byte[] init;
    private final int keep;
    private final long partTargetUnits;
    private final long segmentUnits;

    private Sample pending;
    private final List<Sample> partSamples = new ArrayList<>();
    private final List<byte[]> queuedEmsgs = new ArrayList<>();
    private long partStart;
    private long segmentStart;
    private long lastDuration;
    private long fragmentSequence = 1;
    private long msn = TrackWindow.FIRST_MSN;
    private boolean started;

    private final List<Segment> complete = new ArrayList<>();
    private Segment open;
    private volatile TrackWindow window = TrackWindow.EMPTY;
    private volatile long maxSegmentUnits;
    private volatile long bytes;
    private volatile long mediaUnits;
    /** The last rendered media playlists (full and delta), reused while nothing changed. */
    private volatile RenderedPlaylist rendered;
    private volatile RenderedPlaylist renderedDelta;

    /** A media playlist as rendered for a stream version and clock offset. */
    record RenderedPlaylist(long version, long clockOffset, byte[] bytes) {}

    public TrackPackager(TrackFormat format, LlhlsSettings settings, Listener listener) {
        this.format = format;
        this.settings = settings;
        this.listener = listener;
        this.init = InitSegment.of(format);
        this.keep = settings.segmentCount() + 3;
        this.partTargetUnits = Math.round(settings.partTarget() * format.timescale());
        this.segmentUnits = Math.round(settings.segmentDuration() * format.timescale());
    }

    public TrackFormat format() {
        return format;
    }

    public int trackId() {
        return format.track().id();
    }

    public byte[] init() {
        return init;
    }

    public TrackWindow window() {
        return window;
    }

    /** Longest complete segment so far, seconds. */
    public double maxSegmentDuration() {
        return (double) maxSegmentUnits / format.timescale();
    }

    /** Average bits per second of what was packaged so far (0 before a second of media). */
    public long averageBitrate() {
        long units = mediaUnits;
        return units < format.timescale() ? 0 : bytes * 8 * format.timescale() / units;
    }

    RenderedPlaylist rendered(boolean delta) {
        return delta ? renderedDelta : rendered;
    }

    void rendered(boolean delta, RenderedPlaylist r) {
        if (delta) {
            renderedDelta = r;
        } else {
            rendered = r;
        }
    }

    /** The playlist's file names of this track. */
    public String playlistName() {
        return "chunklist_" + trackId() + "_" + format.kind() + "_llhls.m3u8";
    }

    public String initName() {
        return "init_" + trackId() + "_" + format.kind() + "_llhls.m4s";
    }

    public String segmentName(long segmentMsn) {
        return "seg_" + trackId() + "_" + segmentMsn + "_" + format.kind() + "_llhls.m4s";
    }

    public String partName(long segmentMsn, int index) {
        return "part_" + trackId() + "_" + segmentMsn + "_" + index + "_" + format.kind() + "_llhls.m4s";
    }

    /** Queues an emsg box for the next part. */
    public synchronized void queueEmsg(byte[] emsg) {
        queuedEmsgs.add(emsg);
    }

    /** Milliseconds on the stream's timeline of a time in this track's fMP4 timescale. */
    public double millis(long units) {
        return units * 1000.0 / format.timescale();
    }

    /** Takes one packet of this track; releases its payload. */
    public void accept(MediaPacket p) {
        byte[] data;
        try {
            data = p.payload().toByteArray();
        } finally {
            p.payload().release();
        }
        int inScale = format.track().timescale();
        long dts = scale(p.dts(), inScale);
        int cts = (int) (scale(p.pts(), inScale) - dts);
        boolean key = format.isVideo() ? p.keyframe() : true;
        if (pending != null && format.codec() == Codec.AAC) {
            long expected = pending.dts() + AAC_FRAME;
            if (Math.abs(dts - expected) <= AAC_FRAME / 2) {
                dts = expected; // ms timestamps jitter; AAC frames are 1024 samples
            }
        }
        if (pending != null) {
            long d = dts - pending.dts();
            if (d <= 0) {
                return; // out of order or duplicate: dropped
            }
            lastDuration = d;
            partSamples.add(new Sample(pending.dts(), (int) d, pending.cts(), pending.keyframe(), pending.data()));
            pending = null;
        }
        if (!started) {
            if (!key) {
                return;
            }
            started = true;
            segmentStart = dts;
            open = new Segment(msn, millis(dts), List.of(), false);
            publish();
        } else if (!partSamples.isEmpty()) {
            if (key && dts - segmentStart >= segmentUnits - partTargetUnits / 10) {
                closePart(dts);
                closeSegment(dts);
            } else if (dts - partStart + lastDuration + lastDuration / 4 > partTargetUnits) {
                closePart(dts);
            }
        }
        if (partSamples.isEmpty()) {
            partStart = dts;
        }
        pending = new Sample(dts, 0, cts, key, data);
    }

    /** The stream ended: what is held becomes a last part and segment. */
    public void finish() {
        if (pending != null) {
            long d = lastDuration > 0 ? lastDuration : format.isVideo() ? format.timescale() / 30
                    : format.codec() == Codec.OPUS ? format.timescale() / 50 : AAC_FRAME;
            partSamples.add(new Sample(pending.dts(), (int) d, pending.cts(), pending.keyframe(), pending.data()));
            long end = pending.dts() + d;
            pending = null;
            closePart(end);
            closeSegment(end);
        }
    }

    private void closePart(long end) {
        if (partSamples.isEmpty()) {
            return;
        }
        List<byte[]> emsgs;
        synchronized (this) {
            emsgs = List.copyOf(queuedEmsgs);
            queuedEmsgs.clear();
        }
        byte[] data = Fragment.of(fragmentSequence++, partSamples, emsgs);
        boolean independent = partSamples.get(0).keyframe();
        Part part = new Part(msn, open.parts().size(), (double) (end - partStart) / format.timescale(),
                independent, data);
        partSamples.clear();
        open = open.with(part);
        bytes += data.length;
        mediaUnits += end - partStart;
        publish();
        listener.partAdded(this, part);
    }

    private void closeSegment(long end) {
        Segment done = open.completed();
        maxSegmentUnits = Math.max(maxSegmentUnits, end - segmentStart);
        complete.add(done);
        while (complete.size() > keep) {
            complete.remove(0);
        }
        msn++;
        segmentStart = end;
        open = new Segment(msn, millis(end), List.of(), false);
        publish();
        listener.segmentCompleted(this, done);
    }

    private void publish() {
        window = new TrackWindow(complete, open);
    }

    private long scale(long t, int inScale) {
        return inScale == format.timescale() ? t : Math.round(t * (double) format.timescale() / inScale);
    }
}
