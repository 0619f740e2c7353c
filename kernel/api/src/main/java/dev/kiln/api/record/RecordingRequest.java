package dev.kiln.api.record;

import dev.kiln.api.media.StreamKey;

/**
 * What to record and where.
 *
 * @param name      unique among running recordings, for logs (e.g. the caller's task id)
 * @param stream    the input stream (published or pulled) to record, all of its tracks
 * @param folder    where the files go: relative to the record folder ({@code <data>/records}) or
 *                  absolute inside it; files are named {@code <start time>_<sequence>.<container>}
 * @param container {@code mp4}, {@code mov}, {@code avi}, {@code flv} or {@code ts}
 * @param listener  hears about each finished file
 */
public record RecordingRequest(String name, StreamKey stream, String folder, String container,
                               RecordingListener listener) {
    public RecordingRequest {
        if (name == null || name.isBlank() || stream == null || folder == null || container == null
                || listener == null) {
            throw new IllegalArgumentException("name, stream, folder, container and listener are required");
        }
    }
}
