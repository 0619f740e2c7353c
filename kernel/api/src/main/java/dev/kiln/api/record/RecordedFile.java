package dev.kiln.api.record;

import java.nio.file.Path;
import java.time.OffsetDateTime;

/**
 * One finished file of a recording.
 *
 * @param path           where it is, under its final name
 * @param bytes          its size
 * @param durationMillis the media time it holds
 * @param start          when it was opened
 * @param end            when it was finished
 */
public record RecordedFile(Path path, long bytes, long durationMillis, OffsetDateTime start, OffsetDateTime end) {}
