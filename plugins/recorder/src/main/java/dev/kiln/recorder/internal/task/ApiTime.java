package dev.kiln.recorder.internal.task;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Times as the API and the info file show them: ISO-8601 with milliseconds and a numeric offset. */
final class ApiTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

    private ApiTime() {
    }

    static String format(OffsetDateTime t) {
        return t == null ? "" : FORMAT.format(t);
    }

    static OffsetDateTime parse(String s) {
        return s == null || s.isEmpty() ? null : OffsetDateTime.parse(s, FORMAT);
    }
}
