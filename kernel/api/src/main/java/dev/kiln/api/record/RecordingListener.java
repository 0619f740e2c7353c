package dev.kiln.api.record;

/** Told about a recording's files; called on the recording's own thread, must not block long. */
@FunctionalInterface
public interface RecordingListener {

    /** A file is complete under its final name. */
    void fileFinished(RecordedFile file);
}
