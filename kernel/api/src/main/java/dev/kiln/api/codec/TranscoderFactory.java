package dev.kiln.api.codec;

import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamWriter;

/**
 * Provided by the codec plugin as an OSGi service: makes the output streams whose profile
 * has encodes that are not passed through. Without one, such encodes are listed as
 * unavailable and the output carries only its passed-through tracks.
 */
public interface TranscoderFactory {

    /**
     * Starts producing one output stream. Called when the input's tracks are known, and again
     * (after the previous transcoder was closed) when they change. The transcoder subscribes
     * to {@code input} itself and writes every track of the output to {@code output} — the
     * passed-through ones too — with ids from 0 in the order of {@code spec.encodes()}. Must
     * return quickly: the work runs on the transcoder's own bounded executor.
     */
    Transcoder start(LiveStream input, OutputSpec spec, StreamWriter output);
}
