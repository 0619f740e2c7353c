package dev.kiln.runtime.media;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.proto.v1.AudioEncode;
import dev.kiln.proto.v1.BypassIfMatch;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.VideoEncode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one output profile makes of an input stream: output tracks that pass an input track
 * through (bypass, or bypassIfMatch that matches), and encodes that would need transcoding,
 * listed as unavailable with the reason until a codec plugin provides them.
 *
 * @param profile    the profile name
 * @param streamName the output stream name (outputStreamName with the macro applied)
 * @param tracks     output tracks, ids from 0, each fed by one input track
 * @param missing    encodes the stream does not have
 */
record OutputPlan(String profile, String streamName, List<MappedTrack> tracks, List<UnavailableTrack> missing) {

    static final String NO_CODEC_PLUGIN = "needs transcoding, and no codec plugin is installed";

    /** An output track and the input track that feeds it. */
    record MappedTrack(Track output, int inputTrackId) {}

    static String outputName(OutputProfile profile, String inputName) {
        return profile.getOutputStreamName().replace("${OriginStreamName}", inputName);
    }

    static OutputPlan of(OutputProfile profile, String inputName, List<Track> inputs) {
        List<MappedTrack> tracks = new ArrayList<>();
        List<UnavailableTrack> missing = new ArrayList<>();
        Optional<Track> video = first(inputs, MediaType.VIDEO);
        Optional<Track> audio = first(inputs, MediaType.AUDIO);
        for (VideoEncode v : profile.getEncodesOrBuilder().getVideosList()) {
            String name = v.hasName() ? v.getName() : "";
            if (video.isEmpty()) {
                continue;
            }
            Track in = video.get();
            if (v.getBypass() || (v.hasBypassIfMatch() && videoMatches(v, in))) {
                tracks.add(new MappedTrack(in.withIdAndName(tracks.size(), name), in.id()));
            } else {
                missing.add(new UnavailableTrack(name, Codec.fromProfileName(v.getCodec()).orElse(in.codec()),
                        NO_CODEC_PLUGIN));
            }
        }
        for (AudioEncode a : profile.getEncodesOrBuilder().getAudiosList()) {
            String name = a.hasName() ? a.getName() : "";
            if (audio.isEmpty()) {
                continue;
            }
            Track in = audio.get();
            if (a.getBypass() || (a.hasBypassIfMatch() && audioMatches(a, in))) {
                tracks.add(new MappedTrack(in.withIdAndName(tracks.size(), name), in.id()));
            } else {
                missing.add(new UnavailableTrack(name, Codec.fromProfileName(a.getCodec()).orElse(in.codec()),
                        NO_CODEC_PLUGIN));
            }
        }
        return new OutputPlan(profile.getName(), outputName(profile, inputName), List.copyOf(tracks),
                List.copyOf(missing));
    }

    private static Optional<Track> first(List<Track> tracks, MediaType type) {
        return tracks.stream().filter(t -> t.type() == type).findFirst();
    }

    static boolean videoMatches(VideoEncode v, Track in) {
        BypassIfMatch m = v.getBypassIfMatch();
        return (!m.hasCodec() || !v.hasCodec() || codecMatches(m.getCodec(), v.getCodec(), in))
                && (!m.hasWidth() || !v.hasWidth() || compare(m.getWidth(), in.width(), v.getWidth()))
                && (!m.hasHeight() || !v.hasHeight() || compare(m.getHeight(), in.height(), v.getHeight()));
    }

    static boolean audioMatches(AudioEncode a, Track in) {
        BypassIfMatch m = a.getBypassIfMatch();
        return (!m.hasCodec() || !a.hasCodec() || codecMatches(m.getCodec(), a.getCodec(), in))
                && (!m.hasSamplerate() || !a.hasSamplerate() || compare(m.getSamplerate(), in.sampleRate(), a.getSamplerate()))
                && (!m.hasChannel() || !a.hasChannel() || compare(m.getChannel(), in.channels(), a.getChannel()));
    }

    private static boolean codecMatches(String op, String wanted, Track in) {
        return "eq".equals(op) && Codec.fromProfileName(wanted).map(c -> c == in.codec()).orElse(false);
    }

    /** eq: input equals the encode's value; lte: input at most it; gte: input at least it. */
    private static boolean compare(String op, double input, double target) {
        return switch (op) {
            case "eq" -> input == target;
            case "lte" -> input <= target;
            case "gte" -> input >= target;
            default -> false;
        };
    }
}
