package dev.kiln.publish.llhls.internal.packager;

import dev.kiln.api.stream.OutputPlaylist;
import dev.kiln.publish.llhls.internal.LlhlsSettings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders the multivariant playlist of a stream and the media playlists of its tracks. */
public final class Playlists {
    private static final DateTimeFormatter PDT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    /** Bitrates assumed before a second of media was measured. */
    private static final long GUESS_VIDEO = 2_000_000;
    private static final long GUESS_AUDIO = 128_000;

    private Playlists() {}

    /** The file name of the all-tracks multivariant playlist, unless a declared playlist takes it. */
    public static final String DEFAULT_FILE = "llhls";

    /**
     * The multivariant playlist served as {@code file} (e.g. {@code abr.m3u8}): a playlist the
     * output profile declares with that file name, or the all-tracks playlist for
     * {@code llhls.m3u8} / {@code playlist.m3u8} when none is declared as {@code llhls}
     * ({@code playlist.m3u8} is an alias of {@code llhls.m3u8}).
     */
    public static Optional<String> multivariant(StreamPackager stream, String file) {
        if (!file.endsWith(".m3u8")) {
            return Optional.empty();
        }
        String base = file.substring(0, file.length() - ".m3u8".length());
        Optional<OutputPlaylist> declared = declared(stream, base);
        if (declared.isPresent()) {
            return Optional.of(multivariant(stream, declared.get()));
        }
        if (base.equals("playlist")) {
            declared = declared(stream, DEFAULT_FILE);
            if (declared.isPresent()) {
                return Optional.of(multivariant(stream, declared.get()));
            }
        }
        if (base.equals(DEFAULT_FILE) || base.equals("playlist")) {
            return Optional.of(multivariant(stream));
        }
        return Optional.empty();
    }

    /** True when {@code file} names a multivariant playlist of the stream. */
    public static boolean isMultivariant(StreamPackager stream, String file) {
        if (!file.endsWith(".m3u8")) {
            return false;
        }
        String base = file.substring(0, file.length() - ".m3u8".length());
        return base.equals(DEFAULT_FILE) || base.equals("playlist") || declared(stream, base).isPresent();
    }

    /** The playlist the output profile declares with this file name (without {@code .m3u8}). */
    public static Optional<OutputPlaylist> declared(StreamPackager stream, String fileName) {
        return stream.stream().playlists().stream().filter(p -> p.fileName().equals(fileName)).findFirst();
    }

    /**
     * A declared playlist: one variant per rendition, in order. A rendition's audio track is an
     * {@code EXT-X-MEDIA} rendition of a group of its own (shared by renditions naming the same
     * audio encode), its video track the variant; an audio-only rendition is a variant of its
     * audio track. A rendition whose tracks are missing or have no parts yet is left out, and a
     * missing audio track leaves a video-only variant.
     */
    public static String multivariant(StreamPackager stream, OutputPlaylist playlist) {
        StringBuilder b = new StringBuilder(512);
        b.append("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        Map<Integer, String> groups = new LinkedHashMap<>();
        StringBuilder variants = new StringBuilder(256);
        for (OutputPlaylist.Rendition r : playlist.renditions()) {
            TrackPackager v = named(stream, r.video(), true);
            TrackPackager a = named(stream, r.audio(), false);
            if (v == null && a == null) {
                continue;
            }
            if (v == null) {
                variants.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bitrate(a))
                        .append(",CODECS=\"").append(a.format().codecs()).append("\"\n")
                        .append(a.playlistName()).append('\n');
                continue;
            }
            String groupId = null;
            if (a != null) {
                groupId = groups.get(a.trackId());
                if (groupId == null) {
                    groupId = "audio_" + groups.size();
                    groups.put(a.trackId(), groupId);
                    b.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(groupId).append("\",NAME=\"")
                            .append(r.audio()).append("\",DEFAULT=YES,AUTOSELECT=YES");
                    if (a.format().track().channels() > 0) {
                        b.append(",CHANNELS=\"").append(a.format().track().channels()).append('"');
                    }
                    b.append(",URI=\"").append(a.playlistName()).append("\"\n");
                }
            }
            variant(variants, v, a, groupId);
        }
        return b.append(variants).toString();
    }

    /** The packaged track of this encode name and kind that has parts, or null. */
    private static TrackPackager named(StreamPackager stream, String encode, boolean video) {
        if (encode.isEmpty()) {
            return null;
        }
        for (TrackPackager t : stream.tracks()) {
            if (t.format().isVideo() == video && t.format().track().name().equals(encode) && t.window().hasParts()) {
                return t;
            }
        }
        return null;
    }

    /**
     * The multivariant playlist: the audio tracks as alternative renditions, one group per
     * codec (AAC first, the codec every HLS player takes), and for each video track one variant
     * per audio group, whose CODECS name that group's codec; an audio-only stream gets one
     * variant per audio track.
     */
    public static String multivariant(StreamPackager stream) {
        List<TrackPackager> video = new ArrayList<>();
        Map<String, List<TrackPackager>> audioGroups = new LinkedHashMap<>();
        for (TrackPackager t : stream.tracks()) {
            if (!t.window().hasParts()) {
                continue; // nothing to play yet
            }
            if (t.format().isVideo()) {
                video.add(t);
            } else {
                audioGroups.computeIfAbsent(t.format().codecs(), c -> new ArrayList<>()).add(t);
            }
        }
        List<List<TrackPackager>> groups = new ArrayList<>(audioGroups.values());
        groups.sort(Comparator.comparing(g -> !g.get(0).format().codecs().startsWith("mp4a")));
        StringBuilder b = new StringBuilder(512);
        b.append("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (video.isEmpty()) {
            for (List<TrackPackager> group : groups) {
                for (TrackPackager a : group) {
                    b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bitrate(a))
                            .append(",CODECS=\"").append(a.format().codecs()).append("\"\n")
                            .append(a.playlistName()).append('\n');
                }
            }
            return b.toString();
        }
        for (int g = 0; g < groups.size(); g++) {
            boolean first = true;
            for (TrackPackager a : groups.get(g)) {
                b.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio_").append(g).append("\",NAME=\"")
                        .append(a.format().track().name().isEmpty() ? "audio_" + a.trackId() : a.format().track().name())
                        .append("\",DEFAULT=").append(first ? "YES" : "NO").append(",AUTOSELECT=YES");
                if (a.format().track().channels() > 0) {
                    b.append(",CHANNELS=\"").append(a.format().track().channels()).append('"');
                }
                b.append(",URI=\"").append(a.playlistName()).append("\"\n");
                first = false;
            }
        }
        for (TrackPackager v : video) {
            if (groups.isEmpty()) {
                variant(b, v, null, null);
            }
            for (int g = 0; g < groups.size(); g++) {
                variant(b, v, groups.get(g).get(0), "audio_" + g);
            }
        }
        return b.toString();
    }

    /** One video variant, with the audio group {@code groupId} whose first track is {@code audio}. */
    private static void variant(StringBuilder b, TrackPackager v, TrackPackager audio, String groupId) {
        long bw = bitrate(v) + (audio == null ? 0 : bitrate(audio));
        b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bw).append(",AVERAGE-BANDWIDTH=").append(bw);
        if (v.format().track().width() > 0) {
            b.append(",RESOLUTION=").append(v.format().track().width()).append('x')
                    .append(v.format().track().height());
        }
        b.append(",CODECS=\"").append(v.format().codecs());
        if (audio != null) {
            b.append(',').append(audio.format().codecs());
        }
        b.append('"');
        if (groupId != null) {
            b.append(",AUDIO=\"").append(groupId).append('"');
        }
        b.append('\n').append(v.playlistName()).append('\n');
    }

    private static long bitrate(TrackPackager t) {
        long measured = t.averageBitrate();
        return measured > 0 ? measured : t.format().isVideo() ? GUESS_VIDEO : GUESS_AUDIO;
    }

    /** TARGETDURATION of a track: the configured segment duration, or the longest segment's when longer. */
    public static int targetDuration(StreamPackager stream, TrackPackager track) {
        return Math.max(stream.settings().targetDuration(), (int) Math.round(track.maxSegmentDuration()));
    }

    /** CAN-SKIP-UNTIL: six target durations. */
    public static double skipUntil(StreamPackager stream, TrackPackager track) {
        return 6.0 * targetDuration(stream, track);
    }

    /**
     * {@link #media} as UTF-8 bytes, rendered once per change of the stream and shared by every
     * request that asks in between (many viewers wait on the same part).
     */
    public static byte[] mediaBytes(StreamPackager stream, TrackPackager track, boolean skip) {
        long version = stream.version();
        long offset = stream.clockOffset();
        TrackPackager.RenderedPlaylist r = track.rendered(skip);
        if (r != null && r.version() == version && r.clockOffset() == offset) {
            return r.bytes();
        }
        byte[] bytes = media(stream, track, skip).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        track.rendered(skip, new TrackPackager.RenderedPlaylist(version, offset, bytes));
        return bytes;
    }

    /**
     * A media playlist with LL-HLS tags.
     *
     * @param skip a delta update: leave out the oldest segments that are more than CAN-SKIP-UNTIL
     *             from the end
     */
    public static String media(StreamPackager stream, TrackPackager track, boolean skip) {
        LlhlsSettings s = stream.settings();
        TrackWindow w = track.window();
        int target = targetDuration(stream, track);
        List<Segment> listed = w.segments();
        if (listed.size() > s.segmentCount()) {
            listed = listed.subList(listed.size() - s.segmentCount(), listed.size());
        }
        double skipUntil = skipUntil(stream, track);
        int skipped = 0;
        if (skip) {
            double total = 0;
            for (Segment seg : listed) {
                total += seg.duration();
            }
            while (skipped < listed.size() && total - listed.get(skipped).duration() >= skipUntil) {
                total -= listed.get(skipped).duration();
                skipped++;
            }
        }
        StringBuilder b = new StringBuilder(4096);
        b.append("#EXTM3U\n#EXT-X-TARGETDURATION:").append(target)
                .append("\n#EXT-X-VERSION:").append(skipped > 0 ? 9 : 6)
                .append("\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=").append(num(skipUntil))
                .append(",PART-HOLD-BACK=").append(num(s.partHoldBack()))
                .append("\n#EXT-X-PART-INF:PART-TARGET=").append(num(s.partTarget()))
                .append("\n#EXT-X-MEDIA-SEQUENCE:")
                .append(listed.isEmpty() ? (w.open() == null ? TrackWindow.FIRST_MSN : w.open().msn()) : listed.get(0).msn())
                .append("\n#EXT-X-MAP:URI=\"").append(track.initName()).append("\"\n");
        if (skipped > 0) {
            b.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
        }
        // Parts are listed for the segments within three target durations of the end.
        double partsFrom = Double.MAX_VALUE;
        double end = w.open() != null ? w.open().startMs() + w.open().duration() * 1000
                : listed.isEmpty() ? 0 : listed.get(listed.size() - 1).startMs()
                        + listed.get(listed.size() - 1).duration() * 1000;
        partsFrom = end - 3000.0 * target;
        for (int i = skipped; i < listed.size(); i++) {
            Segment seg = listed.get(i);
            programDateTime(b, stream, seg);
            if (seg.startMs() + seg.duration() * 1000 > partsFrom) {
                parts(b, track, seg);
            }
            b.append("#EXTINF:").append(num(seg.duration())).append(",\n").append(track.segmentName(seg.msn()))
                    .append('\n');
        }
        Segment open = w.open();
        if (open != null) {
            if (!open.parts().isEmpty()) {
                programDateTime(b, stream, open);
                parts(b, track, open);
            }
            long[] next = w.nextPart();
            b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(track.partName(next[0], (int) next[1]))
                    .append("\"\n");
        }
        for (TrackPackager other : stream.tracks()) {
            if (other == track || !other.window().hasParts()) {
                continue;
            }
            TrackWindow ow = other.window();
            b.append("#EXT-X-RENDITION-REPORT:URI=\"").append(other.playlistName()).append("\",LAST-MSN=")
                    .append(ow.lastMsn()).append(",LAST-PART=").append(ow.lastPart()).append('\n');
        }
        if (stream.isEnded()) {
            b.append("#EXT-X-ENDLIST\n");
        }
        return b.toString();
    }

    /**
     * A plain HLS media playlist of dumped segments (no parts), for files on disk.
     *
     * @param segments the segments, oldest first
     * @param ended    the dump is over: the playlist gets EXT-X-ENDLIST
     */
    public static String dumpMedia(StreamPackager stream, TrackPackager track, List<Segment> segments, boolean ended) {
        int target = targetDuration(stream, track);
        for (Segment seg : segments) {
            target = Math.max(target, (int) Math.round(seg.duration()));
        }
        StringBuilder b = new StringBuilder(1024);
        b.append("#EXTM3U\n#EXT-X-TARGETDURATION:").append(target)
                .append("\n#EXT-X-VERSION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MEDIA-SEQUENCE:")
                .append(segments.isEmpty() ? TrackWindow.FIRST_MSN : segments.get(0).msn())
                .append("\n#EXT-X-MAP:URI=\"").append(track.initName()).append("\"\n");
        for (Segment seg : segments) {
            programDateTime(b, stream, seg);
            b.append("#EXTINF:").append(num(seg.duration())).append(",\n").append(track.segmentName(seg.msn()))
                    .append('\n');
        }
        if (ended) {
            b.append("#EXT-X-ENDLIST\n");
        }
        return b.toString();
    }

    private static void programDateTime(StringBuilder b, StreamPackager stream, Segment seg) {
        long wall = stream.wallClock(seg.startMs());
        if (wall >= 0) {
            b.append("#EXT-X-PROGRAM-DATE-TIME:").append(PDT.format(Instant.ofEpochMilli(wall))).append('\n');
        }
    }

    private static void parts(StringBuilder b, TrackPackager track, Segment seg) {
        for (Part p : seg.parts()) {
            b.append("#EXT-X-PART:DURATION=").append(num(p.duration())).append(",URI=\"")
                    .append(track.partName(seg.msn(), p.index())).append('"');
            if (p.independent()) {
                b.append(",INDEPENDENT=YES");
            }
            b.append('\n');
        }
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.5f", v).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
