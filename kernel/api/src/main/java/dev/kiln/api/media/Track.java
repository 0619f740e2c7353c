package dev.kiln.api.media;

import java.util.Arrays;

/**
 * One elementary stream of a {@link Stream}: codec, parameters and the codec configuration
 * a decoder or muxer needs (AVCDecoderConfigurationRecord, HEVCDecoderConfigurationRecord,
 * AudioSpecificConfig).
 *
 * @param id          unique within its stream
 * @param name        encode name from the output profile, or "" for input tracks
 * @param codec       the codec
 * @param timescale   units per second of the packets' timestamps (1000 for RTMP, 90000 for TS)
 * @param width       pixels (video), else 0
 * @param height      pixels (video), else 0
 * @param sampleRate  Hz (audio), else 0
 * @param channels    channel count (audio), else 0
 * @param config      codec configuration bytes; empty when the codec has none
 */
public record Track(int id, String name, Codec codec, int timescale, int width, int height,
                    int sampleRate, int channels, byte[] config) {

    public Track {
        if (codec == null) {
            throw new IllegalArgumentException("codec is required");
        }
        if (timescale <= 0) {
            throw new IllegalArgumentException("timescale must be positive, got " + timescale);
        }
        name = name == null ? "" : name;
        config = config == null ? new byte[0] : config.clone();
    }

    public static Track video(int id, Codec codec, int timescale, int width, int height, byte[] config) {
        return new Track(id, "", codec, timescale, width, height, 0, 0, config);
    }

    public static Track audio(int id, Codec codec, int timescale, int sampleRate, int channels, byte[] config) {
        return new Track(id, "", codec, timescale, 0, 0, sampleRate, channels, config);
    }

    public MediaType type() {
        return codec.type();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    /** The same track under another id and name (output streams renumber their tracks). */
    public Track withIdAndName(int newId, String newName) {
        return new Track(newId, newName, codec, timescale, width, height, sampleRate, channels, config);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Track t && id == t.id && name.equals(t.name) && codec == t.codec
                && timescale == t.timescale && width == t.width && height == t.height
                && sampleRate == t.sampleRate && channels == t.channels && Arrays.equals(config, t.config);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id + codec.hashCode()) + Arrays.hashCode(config);
    }

    @Override
    public String toString() {
        return type() == MediaType.VIDEO
                ? "Track[" + id + " " + codec + " " + width + "x" + height + "]"
                : "Track[" + id + " " + codec + " " + sampleRate + "Hz " + channels + "ch]";
    }
}
