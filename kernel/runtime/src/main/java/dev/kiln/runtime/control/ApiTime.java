package dev.kiln.runtime.control;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Times as the REST API shows them: ISO-8601 with milliseconds and offset. */
final class ApiTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

    private ApiTime() {}

    static String format(OffsetDateTime t) {
        return t == null ? "" : FORMAT.format(t);
    }
}
