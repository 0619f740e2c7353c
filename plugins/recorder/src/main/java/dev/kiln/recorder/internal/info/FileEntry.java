package dev.kiln.recorder.internal.info;

/**
 * One finished file as the info XML lists it (OME's {@code <file>} element).
 *
 * @param lastSequence true for the last file of a recording run (stopped, or the stream ended)
 * @param createdTime  ISO-8601 times with milliseconds and offset
 */
public record FileEntry(String transactionId, String id, String metadata, String vhost, String app, String stream,
                        String filePath, long recordBytes, long recordTime, int sequence, boolean lastSequence,
                        String createdTime, String startTime, String finishTime) {}
