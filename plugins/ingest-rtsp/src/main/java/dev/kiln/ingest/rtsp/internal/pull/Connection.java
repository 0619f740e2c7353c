package dev.kiln.ingest.rtsp.internal.pull;

import dev.kiln.api.media.Track;
import dev.kiln.ingest.rtsp.internal.av.RtspException;
import dev.kiln.ingest.rtsp.internal.av.RtspInput;
import dev.kiln.ingest.rtsp.internal.media.Frame;
import dev.kiln.ingest.rtsp.internal.media.SourceStream;
import dev.kiln.ingest.rtsp.internal.media.TrackConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.LongPointer;

/**
 * One open RTSP session of a pull: the FFmpeg input and, per stream Kiln takes, its track id and
 * converter. Streams of other codecs are left out. Track ids follow the SDP's order among the
 * streams kept (0, 1, …). For the pull's thread only.
 */
final class Connection implements AutoCloseable {
    /**
     * FFmpeg's socket I/O timeout for RTSP, in microseconds: a last resort, longer than the
     * deadlines the pull sets itself (connect 5 s, no input per request).
     */
    static final String SOCKET_TIMEOUT_US = "15000000";

    /** A stream Kiln takes. */
    record Source(int trackId, TrackConverter converter, int timeBaseNum, int timeBaseDen) {}

    /** A converted packet in its track's timescale (timestamps may be {@link RtspInput#NONE}). */
    record Converted(int trackId, int timescale, long pts, long dts, Frame frame) {}

    final PullUrl url;
    private final RtspInput input;
    private final Map<Integer, Source> sources;
    private final List<String> ignored;

    private Connection(PullUrl url, RtspInput input, Map<Integer, Source> sources, List<String> ignored) {
        this.url = url;
        this.input = input;
        this.sources = sources;
        this.ignored = ignored;
    }

    /**
     * Opens the session (up to {@code deadline}, a System.nanoTime()).
     *
     * @throws RtspException when it cannot be opened or carries no H.264, H.265 or AAC stream
     */
    static Connection open(PullUrl url, LongPointer interrupt, long deadline) {
        Map<String, String> options = new HashMap<>();
        options.put("rtsp_transport", url.transport());
        options.put("timeout", SOCKET_TIMEOUT_US);
        options.put("user_agent", "Kiln");
        RtspInput input = RtspInput.open(url.ffmpegUrl(), options, deadline, interrupt);
        Map<Integer, Source> sources = new HashMap<>();
        List<String> ignored = new ArrayList<>();
        for (SourceStream s : input.streams()) {
            TrackConverter c = TrackConverter.of(sources.size(), s);
            if (c == null) {
                ignored.add(s.codecName());
            } else {
                sources.put(s.index(), new Source(sources.size(), c, s.timeBaseNum(), s.timeBaseDen()));
            }
        }
        if (sources.isEmpty()) {
            input.close();
            throw new RtspException(RtspException.Kind.FAILED,
                    "no H.264, H.265 or AAC stream (the server offers " + ignored + ")");
        }
        return new Connection(url, input, sources, List.copyOf(ignored));
    }

    /** Codecs of the streams left out. */
    List<String> ignored() {
        return ignored;
    }

    /** The tracks known so far, by id. */
    List<Track> tracks() {
        List<Track> out = new ArrayList<>();
        for (Source s : sources.values()) {
            if (s.converter().track() != null) {
                out.add(s.converter().track());
            }
        }
        out.sort(Comparator.comparingInt(Track::id));
        return out;
    }

    /** True when every stream kept knows its track. */
    boolean allTracksKnown() {
        return sources.values().stream().allMatch(s -> s.converter().track() != null);
    }

    /** True when some track changed since the last call. */
    boolean tracksChanged() {
        boolean changed = false;
        for (Source s : sources.values()) {
            changed |= s.converter().takeChanged();
        }
        return changed;
    }

    /**
     * Reads the next packet (up to {@code deadline}, a System.nanoTime()) and converts it; null
     * when it belongs to a stream left out, carries nothing, or its track is not known yet.
     *
     * @throws RtspException when the session ended, failed or passed the deadline
     */
    Converted read(long deadline) {
        input.deadline(deadline);
        RtspInput.Packet p = input.read();
        Source s = sources.get(p.streamIndex());
        if (s == null) {
            return null;
        }
        Frame f = s.converter().convert(p.data(), p.key());
        Track t = s.converter().track();
        if (f == null || t == null) {
            return null;
        }
        return new Converted(s.trackId(), t.timescale(), rescale(p.pts(), s, t.timescale()),
                rescale(p.dts(), s, t.timescale()), f);
    }

    private static long rescale(long v, Source s, int timescale) {
        if (v == RtspInput.NONE || s.timeBaseDen() <= 0) {
            return RtspInput.NONE;
        }
        if (s.timeBaseNum() == 1 && s.timeBaseDen() == timescale) {
            return v;
        }
        try {
            return Math.floorDiv(Math.multiplyExact(v, (long) s.timeBaseNum() * timescale), s.timeBaseDen());
        } catch (ArithmeticException overflow) {
            return Math.round((double) v * s.timeBaseNum() * timescale / s.timeBaseDen());
        }
    }

    @Override
    public void close() {
        input.close();
    }
}
