package dev.kiln.push.internal.task;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Times as the API shows them: ISO-8601 with milliseconds and a numeric offset. A time that has
 * not happened yet shows as the epoch in the server's zone, as in the reference's examples.
 */
final class ApiTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

    private ApiTime() {
    }

    static String format(OffsetDateTime t) {
        return t == null ? "" : FORMAT.format(t);
    }

    /** {@code value}, or the epoch when it is empty. */
    static String orEpoch(String value) {
        return value.isEmpty() ? FORMAT.format(OffsetDateTime.ofInstant(Instant.EPOCH, ZoneId.systemDefault())) : value;
    }
}
