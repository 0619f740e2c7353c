package dev.kiln.api.stream;

import dev.kiln.api.media.Codec;

/**
 * An encode of an output profile that the stream does not have (yet).
 *
 * @param name   the encode name from the profile
 * @param codec  the codec it asks for
 * @param reason why it is missing, for the API user
 */
public record UnavailableTrack(String name, Codec codec, String reason) {}
