package dev.kiln.recorder.internal.mux;

import java.nio.ByteBuffer;

/**
 * One open output file. Packets come in per track (the index in the track list the file was
 * opened with), timestamps in that track's timescale, starting near 0.
 */
public interface ContainerWriter extends AutoCloseable {

    /**
     * Writes one coded frame.
     *
     * @throws MuxException when the file cannot be written (disk full, I/O error)
     */
    void write(int track, long pts, long dts, boolean keyframe, ByteBuffer data);

    /** Bytes in the file so far. */
    long bytes();

    /**
     * Finishes the file (trailer) and closes it.
     *
     * @throws MuxException when the trailer cannot be written; the file is closed anyway
     */
    @Override
    void close();
}
