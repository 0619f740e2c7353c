package dev.kiln.push.internal.target;

import dev.kiln.api.media.Track;
import java.net.URI;
import java.util.List;

/**
 * What one connection attempt of a push needs: where to send and which tracks.
 *
 * @param protocol  the protocol of the push
 * @param url       the target URL as the API gave it, already validated against the protocol
 *                  ({@code rtmp://}/{@code rtmps://}, {@code srt://} with its query options,
 *                  {@code udp://})
 * @param streamKey the RTMP publish name (appended to the URL's path); empty for SRT and MPEG-TS
 * @param tracks    the tracks to send, in the order they should appear; packets of other
 *                  tracks are never passed to the target
 */
public record TargetSpec(Protocol protocol, URI url, String streamKey, List<Track> tracks) {
    public TargetSpec {
        streamKey = streamKey == null ? "" : streamKey;
        tracks = List.copyOf(tracks);
    }
}
