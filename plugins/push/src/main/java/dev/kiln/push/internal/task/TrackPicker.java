package dev.kiln.push.internal.task;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.push.internal.target.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the tracks a push sends from its output stream's tracks. Named variants (and track
 * ids) select exactly those tracks, in the stream's order. Without any, RTMP takes the first
 * video and the first audio track by id, SRT and MPEG-TS take every track. For RTMP's default
 * choice only codecs RTMP carries count, so that the default output profile's Opus track
 * (which the codec plugin adds beside the AAC one) does not become the pushed audio.
 */
final class TrackPicker {
    /** Codecs an RTMP connection carries (H.265 over Enhanced RTMP). */
    static final Set<Codec> RTMP_CODECS = Set.of(Codec.H264, Codec.H265, Codec.AAC, Codec.MP3);

    private TrackPicker() {
    }

    /**
     * The tracks to send.
     *
     * @throws IllegalArgumentException naming the field, when a variant or id is unknown or
     *                                  nothing is left to send
     */
    static List<Track> pick(List<Track> tracks, PushSpec spec) {
        List<String> variants = spec.variantNames();
        List<Integer> ids = spec.trackIds();
        for (String v : variants) {
            if (tracks.stream().noneMatch(t -> t.name().equals(v))) {
                throw new IllegalArgumentException("[stream.variantNames] the stream has no variant \"" + v
                        + "\" (it has " + tracks.stream().map(Track::name).toList() + ")");
            }
        }
        for (Integer id : ids) {
            if (tracks.stream().noneMatch(t -> t.id() == id)) {
                throw new IllegalArgumentException("[stream.trackIds] the stream has no track " + id
                        + " (it has " + tracks.stream().map(Track::id).toList() + ")");
            }
        }
        List<Track> out = new ArrayList<>();
        if (!variants.isEmpty() || !ids.isEmpty()) {
            for (Track t : tracks) {
                if (variants.contains(t.name()) || ids.contains(t.id())) {
                    out.add(t);
                }
            }
        } else if (spec.protocol() == Protocol.RTMP) {
            first(tracks, MediaType.VIDEO).ifPresent(out::add);
            first(tracks, MediaType.AUDIO).ifPresent(out::add);
            out.sort(Comparator.comparingInt(tracks::indexOf));
        } else {
            out.addAll(tracks.stream().filter(t -> t.type() != MediaType.DATA).toList());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("[stream] the stream has no track " + spec.protocol().apiName()
                    + " can carry (it has " + tracks + ")");
        }
        return out;
    }

    private static Optional<Track> first(List<Track> tracks, MediaType type) {
        return tracks.stream().filter(t -> t.type() == type && RTMP_CODECS.contains(t.codec()))
                .min(Comparator.comparingInt(Track::id));
    }
}
