package dev.kiln.publish.llhls.internal.packager;

import java.util.ArrayList;
import java.util.List;

/**
 * A media segment of one track: its parts in order. Immutable; a growing segment is replaced
 * by a new instance per part.
 *
 * @param msn      media sequence number
 * @param startMs  media time of its first sample, milliseconds on the stream's timeline
 * @param parts    the parts so far
 * @param complete true once the segment is cut
 */
public record Segment(long msn, double startMs, List<Part> parts, boolean complete) {
    public Segment {
        parts = List.copyOf(parts);
    }

    public double duration() {
        double d = 0;
        for (Part p : parts) {
            d += p.duration();
        }
        return d;
    }

    public long size() {
        long n = 0;
        for (Part p : parts) {
            n += p.data().length;
        }
        return n;
    }

    Segment with(Part p) {
        List<Part> more = new ArrayList<>(parts.size() + 1);
        more.addAll(parts);
        more.add(p);
        return new Segment(msn, startMs, more, false);
    }

    Segment completed() {
        return new Segment(msn, startMs, parts, true);
    }
}
