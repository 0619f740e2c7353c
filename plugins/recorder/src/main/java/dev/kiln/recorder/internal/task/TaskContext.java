package dev.kiln.recorder.internal.task;

import dev.kiln.api.storage.StorageRoots;
import dev.kiln.recorder.internal.mux.WriterFactory;
import java.time.Clock;
import java.time.OffsetDateTime;

/** What every task uses: the store, the record folders, the file writers and the clock. */
record TaskContext(TaskStore store, StorageRoots roots, WriterFactory writers, Clock clock, FileFinisher finisher) {

    OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
