package dev.kiln.api.codec;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import java.util.Map;

/**
 * One encode of an output profile, as the codec plugin receives it. Zero (or empty) means
 * "not given: keep the input's value or use the encoder's default".
 *
 * @param name             the encode name (the output track's name, a variant name)
 * @param type             video or audio
 * @param bypass           pass the input track through
 * @param codec            the codec to encode to (null with bypass)
 * @param width            pixels
 * @param height           pixels
 * @param framerate        frames per second
 * @param bitrate          bits per second
 * @param keyFrameInterval frames between key frames
 * @param bFrames          B-frames
 * @param preset           encoder preset
 * @param profile          codec profile
 * @param modules          encoder choice, e.g. "nv" (NVENC) or "x264"
 * @param sampleRate       Hz
 * @param channels         channel count
 * @param bypassIfMatch    conditions under which the input passes through instead:
 *                         parameter ("codec", "width", …) to "eq" / "lte" / "gte"
 */
public record EncodeSpec(String name, MediaType type, boolean bypass, Codec codec, int width, int height,
                         double framerate, int bitrate, int keyFrameInterval, int bFrames, String preset,
                         String profile, String modules, int sampleRate, int channels,
                         Map<String, String> bypassIfMatch) {
    public EncodeSpec {
        name = name == null ? "" : name;
        preset = preset == null ? "" : preset;
        profile = profile == null ? "" : profile;
        modules = modules == null ? "" : modules;
        bypassIfMatch = bypassIfMatch == null ? Map.of() : Map.copyOf(bypassIfMatch);
    }
}
