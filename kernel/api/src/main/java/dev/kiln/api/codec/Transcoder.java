package dev.kiln.api.codec;

import dev.kiln.api.stream.OutputTrackStatus;
import java.util.List;

/** A running transcode of one output stream. Closing it stops the work and frees its memory. */
public interface Transcoder extends AutoCloseable {

    /**
     * How each output track is made: passed through or by which encoder module, and the tracks
     * whose encoder failed to open or stopped, with FFmpeg's message. Ordered by track id; empty
     * until the input's tracks are known. Called from any thread; must not block.
     */
    default List<OutputTrackStatus> trackStatus() {
        return List.of();
    }

    @Override
    void close();
}
