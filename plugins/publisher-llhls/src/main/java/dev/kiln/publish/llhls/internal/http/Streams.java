package dev.kiln.publish.llhls.internal.http;

import dev.kiln.api.media.StreamKey;
import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import java.util.List;
import java.util.Optional;

/** The LL-HLS outputs the playback server serves. */
public interface Streams {
    Optional<StreamPackager> find(StreamKey key);

    /** Every output with an LL-HLS packager, live ones first by creation. */
    List<StreamPackager> all();

    /** The virtual host a request's Host header names. */
    String resolveVhost(String host);
}
