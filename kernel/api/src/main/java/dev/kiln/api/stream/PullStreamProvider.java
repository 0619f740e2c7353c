package dev.kiln.api.stream;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Creates input streams by pulling them from a remote server (the REST API's
 * {@code POST /v1/vhosts/{vhost}/apps/{app}/streams}). A plugin registers an implementation as
 * an OSGi service; the kernel validates the request, refuses a name that is live, and hands it
 * to the provider that serves the URLs' scheme.
 *
 * <p>The provider opens the stream in the {@link StreamRegistry} under the request's key, with its
 * own source type (e.g. {@code RtspPull}), and keeps pulling until the stream is deleted (the
 * stream's disconnector), the pull gives up (no URL works any more, or nobody used the stream
 * for {@link PullRequest#unusedStreamDeletionTimeout()}), or the plugin stops.
 */
public interface PullStreamProvider {

    /** How long the provider may take to answer {@link #create}: the API waits for it. */
    long CREATE_TIMEOUT_MS = 8_000;

    /** URL schemes served, lower case ("rtsp", "rtsps"). */
    Set<String> schemes();

    /**
     * Starts pulling. Must return at once: the connecting happens elsewhere. The stage completes
     * normally once a URL delivers its tracks and the stream is open, or exceptionally, within
     * {@link #CREATE_TIMEOUT_MS}, with a {@link dev.kiln.api.error.UpstreamException} when no URL
     * could be pulled, a {@link dev.kiln.api.error.ConflictException} when the name was taken
     * meanwhile, or a {@link dev.kiln.api.error.InvalidArgumentException} naming a URL the
     * provider cannot use. After an exceptional completion nothing is left running.
     *
     * <p>When the caller completes or cancels the returned stage's future first (its own deadline
     * passed), the provider stops that pull.
     */
    CompletionStage<Void> create(PullRequest request);
}
