package dev.kiln.recordingtasks.internal.input;

import dev.kiln.api.media.StreamKey;

/** Where a running task's media is: an input stream on the bus, and whatever feeds it. */
public interface InputSource extends AutoCloseable {

    /** The input stream to record. */
    StreamKey stream();

    /** Stops feeding the stream (nothing for a stream someone else publishes). Idempotent. */
    @Override
    void close();
}
