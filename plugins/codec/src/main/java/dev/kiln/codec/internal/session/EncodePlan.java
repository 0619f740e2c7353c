package dev.kiln.codec.internal.session;

import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one output profile makes of the input's tracks: for each encode that has an input of
 * its type, the output track id (from 0, in the order of the encodes), the input track that
 * feeds it, and whether it passes that track through. The pass-through rules are the
 * kernel's: {@code bypass}, or every {@code bypassIfMatch} condition whose parameter the
 * encode gives holds ({@code framerate} is not compared: tracks do not carry it).
 */
record EncodePlan(List<Entry> entries) {

    /** One output track. */
    record Entry(int outputId, EncodeSpec spec, Track input, boolean passThrough) {}

    static EncodePlan of(OutputSpec spec, List<Track> inputs) {
        Optional<Track> video = first(inputs, MediaType.VIDEO);
        Optional<Track> audio = first(inputs, MediaType.AUDIO);
        List<Entry> entries = new ArrayList<>();
        // The kernel numbers videos first, then audios; the spec lists them in that order too.
        for (MediaType type : List.of(MediaType.VIDEO, MediaType.AUDIO)) {
            Optional<Track> in = type == MediaType.VIDEO ? video : audio;
            for (EncodeSpec e : spec.encodes()) {
                if (e.type() != type || in.isEmpty()) {
                    continue;
                }
                entries.add(new Entry(entries.size(), e, in.get(), passesThrough(e, in.get())));
            }
        }
        return new EncodePlan(List.copyOf(entries));
    }

    private static Optional<Track> first(List<Track> tracks, MediaType type) {
        return tracks.stream().filter(t -> t.type() == type).findFirst();
    }

    static boolean passesThrough(EncodeSpec e, Track in) {
        if (e.bypass()) {
            return true;
        }
        Map<String, String> m = e.bypassIfMatch();
        if (m.isEmpty()) {
            return false;
        }
        boolean codecOk = !m.containsKey("codec") || e.codec() == null
                || ("eq".equals(m.get("codec")) && e.codec() == in.codec());
        if (e.type() == MediaType.VIDEO) {
            return codecOk
                    && (!m.containsKey("width") || e.width() == 0 || compare(m.get("width"), in.width(), e.width()))
                    && (!m.containsKey("height") || e.height() == 0 || compare(m.get("height"), in.height(), e.height()));
        }
        return codecOk
                && (!m.containsKey("samplerate") || e.sampleRate() == 0
                        || compare(m.get("samplerate"), in.sampleRate(), e.sampleRate()))
                && (!m.containsKey("channel") || e.channels() == 0
                        || compare(m.get("channel"), in.channels(), e.channels()));
    }

    private static boolean compare(String op, double input, double target) {
        return switch (op) {
            case "eq" -> input == target;
            case "lte" -> input <= target;
            case "gte" -> input >= target;
            default -> false;
        };
    }

    /** True when some encode needs this input track decoded. */
    boolean decodes(Track input) {
        return entries.stream().anyMatch(en -> !en.passThrough() && en.input().id() == input.id());
    }

    /** The codec an encode asks for, or the input's when it names none. */
    static Codec target(Entry e) {
        return e.spec().codec() != null ? e.spec().codec() : e.input().codec();
    }
}
