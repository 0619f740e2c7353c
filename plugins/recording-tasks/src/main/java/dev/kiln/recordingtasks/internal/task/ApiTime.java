package dev.kiln.recordingtasks.internal.task;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/** Times as Callaba prints them: UTC with milliseconds, {@code 2022-03-12T12:36:03.890Z}. */
final class ApiTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private ApiTime() {}

    static String format(Instant t) {
        return FORMAT.format(t);
    }

    static String format(TemporalAccessor t) {
        return FORMAT.format(Instant.from(t));
    }
}
