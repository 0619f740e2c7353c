package dev.kiln.push.internal.task;

import dev.kiln.api.media.StreamKey;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.push.internal.target.Protocol;
import java.net.URI;
import java.util.List;

/**
 * A validated start request.
 *
 * @param request      the request as given (stored, and echoed by the API)
 * @param stream       the output stream to push
 * @param protocol     the protocol
 * @param url          the target URL, its scheme matching the protocol
 * @param streamKey    the RTMP publish name; empty for SRT and MPEG-TS
 * @param variantNames output track names to send; empty: the protocol's default choice
 * @param trackIds     track ids to send besides the variants
 */
public record PushSpec(StartPushRequest request, StreamKey stream, Protocol protocol, URI url, String streamKey,
                       List<String> variantNames, List<Integer> trackIds) {
    public PushSpec {
        variantNames = List.copyOf(variantNames);
        trackIds = List.copyOf(trackIds);
    }

    public String id() {
        return request.getId();
    }

    /** {@code vhost/app/id}: unique among tasks, and the state store key. */
    public String key() {
        return stream.vhost() + "/" + stream.app() + "/" + request.getId();
    }

    /** The statistics' connection kind of the protocol ("rtmppush", "srtpush", "mpegtspush"). */
    String connectionKind() {
        return protocol.apiName() + "push";
    }
}
