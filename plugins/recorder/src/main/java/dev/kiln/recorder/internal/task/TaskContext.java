package dev.kiln.recorder.internal.task;

import dev.kiln.recorder.internal.mux.WriterFactory;
import dev.kiln.recorder.internal.naming.RecordRoots;
import java.time.Clock;
import java.time.OffsetDateTime;

/** What every task uses: the store, the record folders, the file writers and the clock. */
record TaskContext(TaskStore store, RecordRoots roots, WriterFactory writers, Clock clock, FileFinisher finisher) {

    OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
