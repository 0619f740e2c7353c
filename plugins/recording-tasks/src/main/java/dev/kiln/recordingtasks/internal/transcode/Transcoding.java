package dev.kiln.recordingtasks.internal.transcode;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.proto.v1.RecordingTranscoding;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A task's {@code transcoding}, checked: each of video and audio is {@code "Disabled"} (the input
 * track passes through), a codec name (that codec at the input's size and rate with the codec
 * plugin's defaults) or an object of OME encode fields. Every error names the exact field.
 *
 * @param video the video encode (a bypass when disabled)
 * @param audio the audio encode (a bypass when disabled)
 */
public record Transcoding(EncodeSpec video, EncodeSpec audio) {
    public static final String DISABLED = "Disabled";
    static final String VIDEO_FIELD = "transcoding.video_transcoding";
    static final String AUDIO_FIELD = "transcoding.audio_transcoding";
    private static final List<Codec> VIDEO_CODECS = List.of(Codec.H264, Codec.H265, Codec.VP8);
    private static final List<Codec> AUDIO_CODECS = List.of(Codec.AAC, Codec.OPUS);
    private static final List<String> VIDEO_KEYS =
            List.of("codec", "width", "height", "bitrate", "framerate", "keyFrameInterval", "preset");
    private static final List<String> AUDIO_KEYS = List.of("codec", "bitrate", "samplerate", "channel");
    private static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast",
            "medium", "slow", "slower", "veryslow", "placebo");

    /** Both disabled: the task records its input as received. */
    public static final Transcoding REMUX = new Transcoding(bypass(MediaType.VIDEO), bypass(MediaType.AUDIO));

    /** Checks and maps a task's {@code transcoding} (absent fields are Disabled). */
    public static Transcoding of(RecordingTranscoding t) {
        return new Transcoding(
                t.hasVideoTranscoding() ? encode(VIDEO_FIELD, MediaType.VIDEO, t.getVideoTranscoding())
                        : bypass(MediaType.VIDEO),
                t.hasAudioTranscoding() ? encode(AUDIO_FIELD, MediaType.AUDIO, t.getAudioTranscoding())
                        : bypass(MediaType.AUDIO));
    }

    /** True when both pass through: nothing to transcode. */
    public boolean remux() {
        return video.bypass() && audio.bypass();
    }

    /** The profile the codec plugin makes the recorded stream by: the video, then the audio. */
    public OutputSpec spec(String streamName) {
        return new OutputSpec("callaba-recording", streamName, List.of(video, audio));
    }

    /** What a log line or an error says of it, e.g. {@code video H265 640x0, audio bypass}. */
    public String describe() {
        return "video " + describe(video) + ", audio " + describe(audio);
    }

    private static String describe(EncodeSpec e) {
        if (e.bypass()) {
            return "passed through";
        }
        return e.codec().displayName() + (e.width() > 0 || e.height() > 0 ? " " + e.width() + "x" + e.height() : "");
    }

    private static EncodeSpec encode(String field, MediaType type, Value v) {
        switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET:
                return bypass(type);
            case STRING_VALUE: {
                String s = v.getStringValue().trim();
                if (s.isEmpty() || s.equalsIgnoreCase(DISABLED)) {
                    return bypass(type);
                }
                return spec(type, codec(field, type, s), Map.of());
            }
            case STRUCT_VALUE:
                return object(field, type, v.getStructValue());
            default:
                throw bad(field, "must be \"" + DISABLED + "\", a codec name (" + names(type)
                        + ") or an object {\"codec\": …}, got " + kind(v));
        }
    }

    private static EncodeSpec object(String field, MediaType type, Struct s) {
        List<String> keys = type == MediaType.VIDEO ? VIDEO_KEYS : AUDIO_KEYS;
        for (String key : s.getFieldsMap().keySet()) {
            if (!keys.contains(key)) {
                throw bad(field + "." + key, "is not a " + type.name().toLowerCase(Locale.ROOT)
                        + " encode field; use " + String.join(", ", keys));
            }
        }
        Value codec = s.getFieldsOrDefault("codec", null);
        if (codec == null || codec.getKindCase() != Value.KindCase.STRING_VALUE || codec.getStringValue().isBlank()) {
            throw bad(field + ".codec", "is required: one of " + names(type));
        }
        return spec(type, codec(field + ".codec", type, codec.getStringValue().trim()), s.getFieldsMap());
    }

    private static EncodeSpec spec(MediaType type, Codec codec, Map<String, Value> f) {
        String prefix = (type == MediaType.VIDEO ? VIDEO_FIELD : AUDIO_FIELD) + ".";
        if (type == MediaType.VIDEO) {
            int width = even(prefix + "width", integer(prefix + "width", f.get("width"), 16, 7680));
            int height = even(prefix + "height", integer(prefix + "height", f.get("height"), 16, 4320));
            double framerate = number(prefix + "framerate", f.get("framerate"), 1, 240);
            int bitrate = integer(prefix + "bitrate", f.get("bitrate"), 10_000, 200_000_000);
            int keyFrameInterval = integer(prefix + "keyFrameInterval", f.get("keyFrameInterval"), 1, 1000);
            String preset = preset(prefix + "preset", f.get("preset"));
            return new EncodeSpec("video", type, false, codec, width, height, framerate, bitrate, keyFrameInterval,
                    0, preset, "", "", 0, 0, Map.of());
        }
        int bitrate = integer(prefix + "bitrate", f.get("bitrate"), 6_000, 1_000_000);
        int sampleRate = integer(prefix + "samplerate", f.get("samplerate"), 8_000, 96_000);
        int channels = integer(prefix + "channel", f.get("channel"), 1, 2);
        return new EncodeSpec("audio", type, false, codec, 0, 0, 0, bitrate, 0, 0, "", "", "", sampleRate, channels,
                Map.of());
    }

    private static EncodeSpec bypass(MediaType type) {
        return new EncodeSpec(type == MediaType.VIDEO ? "video" : "audio", type, true, null, 0, 0, 0, 0, 0, 0,
                "", "", "", 0, 0, Map.of());
    }

    private static Codec codec(String field, MediaType type, String name) {
        List<Codec> allowed = type == MediaType.VIDEO ? VIDEO_CODECS : AUDIO_CODECS;
        return Codec.fromProfileName(name).filter(allowed::contains).orElseThrow(() -> bad(field,
                "must be \"" + DISABLED + "\" or one of " + names(type) + ", got \"" + name + "\""
                        + (field.endsWith(".codec") ? "" : " (or an object {\"codec\": …})")));
    }

    private static String names(MediaType type) {
        return type == MediaType.VIDEO ? "h264, h265, vp8" : "aac, opus";
    }

    /** 0 when absent; otherwise a whole number in range. */
    private static int integer(String field, Value v, int min, int max) {
        double d = number(field, v, min, max);
        if (d != Math.rint(d)) {
            throw bad(field, "must be a whole number, got " + d);
        }
        return (int) d;
    }

    /** 0 when absent; otherwise a number in range. */
    private static double number(String field, Value v, double min, double max) {
        if (v == null || v.getKindCase() == Value.KindCase.NULL_VALUE) {
            return 0;
        }
        if (v.getKindCase() != Value.KindCase.NUMBER_VALUE) {
            throw bad(field, "must be a number, got " + kind(v));
        }
        double d = v.getNumberValue();
        if (!(d >= min && d <= max)) {
            throw bad(field, "must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(d));
        }
        return d;
    }

    private static int even(String field, int value) {
        if (value % 2 != 0) {
            throw bad(field, "must be even, got " + value);
        }
        return value;
    }

    private static String preset(String field, Value v) {
        if (v == null || v.getKindCase() == Value.KindCase.NULL_VALUE) {
            return "";
        }
        if (v.getKindCase() != Value.KindCase.STRING_VALUE
                || !PRESETS.contains(v.getStringValue().toLowerCase(Locale.ROOT))) {
            throw bad(field, "must be an x264/x265 preset (ultrafast … veryslow), got " + kind(v));
        }
        return v.getStringValue().toLowerCase(Locale.ROOT);
    }

    private static String kind(Value v) {
        return switch (v.getKindCase()) {
            case STRING_VALUE -> "\"" + v.getStringValue() + "\"";
            case NUMBER_VALUE -> fmt(v.getNumberValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            case LIST_VALUE -> "a list";
            case STRUCT_VALUE -> "an object";
            default -> "null";
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static InvalidArgumentException bad(String field, String message) {
        return new InvalidArgumentException("[" + field + "] " + message);
    }
}
