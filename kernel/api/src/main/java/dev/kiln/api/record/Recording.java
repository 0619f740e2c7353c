package dev.kiln.api.record;

/** A running recording. */
public interface Recording {

    /** True while a file is being written (the stream is live and the recording has not failed). */
    boolean writing();

    /** Bytes written so far over all files, the one being written included. */
    long totalBytes();

    /** Why the recording failed (it then writes nothing more), or empty. */
    String error();

    /** Finishes the file being written and ends the recording. Idempotent. */
    void stop();
}
