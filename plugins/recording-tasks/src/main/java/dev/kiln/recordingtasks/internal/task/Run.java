package dev.kiln.recordingtasks.internal.task;

import dev.kiln.api.record.Recording;
import dev.kiln.recordingtasks.internal.input.InputSource;

/**
 * One start of a task: its input and the recording of it, with the definition it was started
 * with (an update applies on the next start) and the meter of its bitrate.
 */
final class Run {
    final InputSource input;
    final Recording recording;
    final BitrateMeter meter = new BitrateMeter();

    Run(InputSource input, Recording recording) {
        this.input = input;
        this.recording = recording;
    }

    /** Takes a byte-count sample; a recording that is not writing has no rate. */
    void sample(long nanoTime) {
        if (recording.writing()) {
            meter.sample(nanoTime, recording.totalBytes());
        } else {
            meter.reset();
        }
    }

    /** Finishes the file and stops the input. */
    void stop() {
        try {
            recording.stop();
        } finally {
            input.close();
        }
    }
}
