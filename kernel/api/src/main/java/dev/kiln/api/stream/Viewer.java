package dev.kiln.api.stream;

/**
 * One viewer of a playback publisher, counted in its stream's statistics as a connection of
 * the publisher's kind ({@code llhls}, …) until closed. Bytes sent to the viewer count as the
 * stream's bytes out.
 */
public interface Viewer extends AutoCloseable {

    /** Counts bytes sent to this viewer. */
    void sent(long bytes);

    /** The viewer left; further calls do nothing. */
    @Override
    void close();
}
