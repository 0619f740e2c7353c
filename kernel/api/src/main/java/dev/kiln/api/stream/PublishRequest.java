package dev.kiln.api.stream;

import dev.kiln.api.media.StreamKey;

/**
 * What a source asks for when it opens an input stream.
 *
 * @param key          where the stream goes
 * @param sourceType   how it arrives, as the REST API shows it: "Rtmp", "Srt", "MpegTs", "RtspPull"
 * @param remote       the peer, for logs ("203.0.113.5:51234")
 * @param disconnector called (once, from any thread) when the stream is deleted through the
 *                     API: the source must close its connection
 */
public record PublishRequest(StreamKey key, String sourceType, String remote, Runnable disconnector) {
    public PublishRequest {
        if (key == null || sourceType == null || disconnector == null) {
            throw new IllegalArgumentException("key, sourceType and disconnector are required");
        }
        remote = remote == null ? "" : remote;
    }
}
