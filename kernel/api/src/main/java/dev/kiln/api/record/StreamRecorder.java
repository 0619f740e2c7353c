package dev.kiln.api.record;

/**
 * Records live input streams into files; the recorder plugin registers one as an OSGi service.
 * A recording follows its stream: it waits while the stream is absent, writes a file while it
 * is live, finishes that file when the stream goes and starts a new one when it comes back.
 * Recordings made here are not restored at start: the caller owns them and starts them again.
 */
public interface StreamRecorder {

    /**
     * Starts a recording; it writes as soon as the stream is live.
     *
     * @throws dev.kiln.api.error.InvalidArgumentException when the folder or container is refused
     * @throws dev.kiln.api.error.ConflictException when a recording of that name is running
     */
    Recording record(RecordingRequest request);
}
