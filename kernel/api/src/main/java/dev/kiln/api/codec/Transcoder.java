package dev.kiln.api.codec;

/** A running transcode of one output stream. Closing it stops the work and frees its memory. */
public interface Transcoder extends AutoCloseable {
    @Override
    void close();
}
