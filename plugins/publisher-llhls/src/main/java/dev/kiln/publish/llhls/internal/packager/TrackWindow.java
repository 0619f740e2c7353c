package dev.kiln.publish.llhls.internal.packager;

import java.util.List;
import java.util.Optional;

/**
 * What one track offers at one moment: its complete segments (oldest first, a few more than a
 * playlist lists so a client with an older playlist still finds them) and the segment being
 * built. Immutable: the packager publishes a new window per part.
 *
 * @param segments complete segments
 * @param open     the segment being built (maybe without parts yet), or null before the first sample
 */
public record TrackWindow(List<Segment> segments, Segment open) {
    public static final TrackWindow EMPTY = new TrackWindow(List.of(), null);
    /**
     * Media sequence number of a track's first segment. Not 0: hls.js (1.4) takes a playlist
     * whose last complete segment is number 0 for one it cannot block-reload
     * ({@code details.endSN && …}) and polls it once a target duration instead, so a player
     * that joins during the second segment runs dry for seconds.
     */
    public static final long FIRST_MSN = 1;

    public TrackWindow {
        segments = List.copyOf(segments);
    }

    /** True once there is a part to play. */
    public boolean hasParts() {
        return !segments.isEmpty() || (open != null && !open.parts().isEmpty());
    }

    /** The segment with this sequence number, complete or open. */
    public Optional<Segment> segment(long msn) {
        if (open != null && open.msn() == msn) {
            return Optional.of(open);
        }
        for (Segment s : segments) {
            if (s.msn() == msn) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Optional<Part> part(long msn, int index) {
        return segment(msn).filter(s -> index >= 0 && index < s.parts().size()).map(s -> s.parts().get(index));
    }

    /** Sequence number of the segment the last part belongs to (-1 when none). */
    public long lastMsn() {
        if (open != null && !open.parts().isEmpty()) {
            return open.msn();
        }
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).msn();
    }

    /** Index of the last part within {@link #lastMsn()}'s segment (-1 when none). */
    public int lastPart() {
        if (open != null && !open.parts().isEmpty()) {
            return open.parts().size() - 1;
        }
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).parts().size() - 1;
    }

    /** The part that comes next: {msn, index}. */
    public long[] nextPart() {
        if (open != null) {
            return new long[] {open.msn(), open.parts().size()};
        }
        return new long[] {segments.isEmpty() ? FIRST_MSN : segments.get(segments.size() - 1).msn() + 1, 0};
    }

    /**
     * True when a playlist holds what a blocking reload asks for: segment {@code msn} complete
     * (no part asked), or part {@code part} of segment {@code msn}, or anything later.
     */
    public boolean has(long msn, int part) {
        long lastComplete = segments.isEmpty() ? -1 : segments.get(segments.size() - 1).msn();
        if (part < 0) {
            return lastComplete >= msn;
        }
        if (lastComplete > msn) {
            return true;
        }
        if (open != null && open.msn() > msn && !open.parts().isEmpty()) {
            return true;
        }
        return segment(msn).map(s -> part < s.parts().size()).orElse(false);
    }
}
