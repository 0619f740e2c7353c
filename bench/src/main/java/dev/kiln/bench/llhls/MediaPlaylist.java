package dev.kiln.bench.llhls;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a viewer needs from an HLS media playlist: its segments and partial segments, each with
 * its media sequence number (and part index), the target durations, and the (msn, part) a
 * blocking reload asks for next: the part after the last one listed.
 *
 * @param targetDuration {@code EXT-X-TARGETDURATION}, seconds
 * @param partTarget     {@code EXT-X-PART-INF:PART-TARGET}, seconds; 0 for a playlist without parts
 * @param segments       complete segments, oldest first
 * @param parts          partial segments, oldest first
 * @param nextMsn        media sequence number of the segment after the last complete one
 * @param nextPart       index, in segment {@code nextMsn}, of the part after the last one listed
 */
record MediaPlaylist(double targetDuration, double partTarget, List<Media> segments, List<Media> parts,
                     long nextMsn, int nextPart) {
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");
    private static final Pattern DURATION_ATTRIBUTE = Pattern.compile("DURATION=([0-9.]+)");
    private static final Pattern PART_TARGET = Pattern.compile("PART-TARGET=([0-9.]+)");
    private static final Pattern SKIPPED = Pattern.compile("SKIPPED-SEGMENTS=([0-9]+)");

    /** One segment ({@code part} -1) or part of segment {@code msn}; {@code uri} as written in the playlist. */
    record Media(long msn, int part, String uri, double duration) implements Comparable<Media> {
        @Override
        public int compareTo(Media o) {
            int c = Long.compare(msn, o.msn);
            return c != 0 ? c : Integer.compare(part, o.part);
        }
    }

    static boolean isMultivariant(String text) {
        return text.contains("#EXT-X-STREAM-INF");
    }

    /** The first variant's URI of a multivariant playlist. */
    static String firstVariant(String text) {
        boolean next = false;
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("#EXT-X-STREAM-INF")) {
                next = true;
            } else if (next && !line.isBlank() && !line.startsWith("#")) {
                return line.trim();
            }
        }
        throw new IllegalArgumentException("no #EXT-X-STREAM-INF variant in:\n" + text);
    }

    static MediaPlaylist parse(String text) {
        if (!text.startsWith("#EXTM3U")) {
            throw new IllegalArgumentException("not a playlist: " + text.substring(0, Math.min(80, text.length())));
        }
        double target = 0;
        double partTarget = 0;
        long msn = 0;
        int part = 0;
        double extinf = -1;
        List<Media> segments = new ArrayList<>();
        List<Media> parts = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Double.parseDouble(line.substring(line.indexOf(':') + 1));
            } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                msn = Long.parseLong(line.substring(line.indexOf(':') + 1));
            } else if (line.startsWith("#EXT-X-PART-INF:")) {
                Matcher m = PART_TARGET.matcher(line);
                if (m.find()) {
                    partTarget = Double.parseDouble(m.group(1));
                }
            } else if (line.startsWith("#EXT-X-SKIP:")) {
                Matcher m = SKIPPED.matcher(line);
                if (m.find()) {
                    msn += Long.parseLong(m.group(1));
                }
            } else if (line.startsWith("#EXT-X-PART:")) {
                Matcher uri = URI_ATTRIBUTE.matcher(line);
                Matcher duration = DURATION_ATTRIBUTE.matcher(line);
                if (uri.find()) {
                    parts.add(new Media(msn, part, uri.group(1), duration.find() ? Double.parseDouble(duration.group(1)) : 0));
                }
                part++;
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                int comma = value.indexOf(',');
                extinf = Double.parseDouble(comma < 0 ? value : value.substring(0, comma));
            } else if (!line.isEmpty() && !line.startsWith("#") && extinf >= 0) {
                segments.add(new Media(msn, -1, line, extinf));
                msn++;
                part = 0;
                extinf = -1;
            }
        }
        return new MediaPlaylist(target, partTarget, List.copyOf(segments), List.copyOf(parts), msn, part);
    }
}
