package dev.kiln.ingest.rtsp.internal;

import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.PullRequest;
import dev.kiln.api.stream.PullStreamProvider;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.ingest.rtsp.internal.pull.Pulls;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The RTSP pull bundle's component: the kernel hands it the pull requests for {@code rtsp://}
 * and {@code rtsps://} URLs. Each pull runs on a thread of its own; all stop with the component.
 * The pulls are kept in the kernel's state store and start again, in the background, at activation.
 */
@Component(service = PullStreamProvider.class, immediate = true)
public final class RtspPullComponent implements PullStreamProvider {
    private final Pulls pulls;

    @Activate
    public RtspPullComponent(@Reference StreamRegistry streams, @Reference StateStore store) {
        this.pulls = new Pulls(streams, store);
        pulls.restore();
    }

    @Deactivate
    void deactivate() {
        pulls.close();
    }

    @Override
    public Set<String> schemes() {
        return Pulls.SCHEMES;
    }

    @Override
    public CompletionStage<Void> create(PullRequest request) {
        return pulls.create(request);
    }
}
