package dev.kiln.api.stream;

import dev.kiln.api.media.StreamKey;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A pull stream to create, as validated by the kernel: every URL is absolute and has the same
 * scheme.
 *
 * @param key                         the input stream to open
 * @param urls                        tried in order; on loss the pull fails over to the next one
 * @param persistent                  keep the stream (retrying its URLs) until it is deleted through the API
 * @param noInputFailoverTimeout      no packet for this long = the URL in use is lost: fail over
 *                                    to the next one; {@link Duration#ZERO} = never
 * @param unusedStreamDeletionTimeout nobody subscribed to the stream (or its outputs) for this
 *                                    long = the pull stops and the stream is deleted, unless
 *                                    persistent; {@link Duration#ZERO} = never
 * @param ignoreRtcpSrTimestamp       start at once instead of waiting for the first RTCP sender report
 */
public record PullRequest(StreamKey key, List<URI> urls, boolean persistent, Duration noInputFailoverTimeout,
                          Duration unusedStreamDeletionTimeout, boolean ignoreRtcpSrTimestamp) {

    public PullRequest {
        if (key == null || urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("key and at least one URL are required");
        }
        urls = List.copyOf(urls);
        noInputFailoverTimeout = noInputFailoverTimeout == null ? Duration.ZERO : noInputFailoverTimeout;
        unusedStreamDeletionTimeout = unusedStreamDeletionTimeout == null ? Duration.ZERO
                : unusedStreamDeletionTimeout;
        if (noInputFailoverTimeout.isNegative() || unusedStreamDeletionTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** The URLs' common scheme, lower case. */
    public String scheme() {
        return urls.get(0).getScheme().toLowerCase(Locale.ROOT);
    }
}
