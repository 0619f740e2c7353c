package dev.kiln.recorder.internal.naming;

import java.time.OffsetDateTime;

/** The values {@link PathTemplate} puts in place of its macros, for one file. */
public record MacroValues(String transactionId, String id, OffsetDateTime startTime, OffsetDateTime endTime,
                          String vhost, String app, String sourceStream, String stream, int sequence) {

    /** The same values with another end time. */
    public MacroValues withEndTime(OffsetDateTime end) {
        return new MacroValues(transactionId, id, startTime, end, vhost, app, sourceStream, stream, sequence);
    }
}
