package dev.kiln.api.codec;

import java.util.List;

/**
 * An output profile applied to one input stream.
 *
 * @param profile    the profile name
 * @param streamName the output stream's name
 * @param encodes    the encodes in the profile's order (videos, then audios)
 */
public record OutputSpec(String profile, String streamName, List<EncodeSpec> encodes) {
    public OutputSpec {
        encodes = List.copyOf(encodes);
    }
}
