package dev.kiln.api.server;

import dev.kiln.api.media.StreamKey;

/**
 * One UDP port of the MPEG-TS ingest and the input stream its datagrams make (configured in
 * conf/server.yaml under {@code mpegts}, OME's port-to-stream map).
 *
 * @param port UDP port on the media bind address
 * @param key  the stream the port's datagrams are published as
 */
public record MpegTsInput(int port, StreamKey key) {
    public MpegTsInput {
        if (port < 1 || port > 65535 || key == null) {
            throw new IllegalArgumentException("a port between 1 and 65535 and a stream key are required");
        }
    }
}
