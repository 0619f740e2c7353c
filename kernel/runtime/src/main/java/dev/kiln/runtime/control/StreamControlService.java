package dev.kiln.runtime.control;

import com.google.protobuf.Empty;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.error.UpstreamException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.publish.PlaybackPublisher;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PullRequest;
import dev.kiln.api.stream.PullStreamProvider;
import dev.kiln.proto.v1.CreatePullStreamRequest;
import dev.kiln.proto.v1.DeleteStreamRequest;
import dev.kiln.proto.v1.GetStreamRequest;
import dev.kiln.proto.v1.ListStreamsRequest;
import dev.kiln.proto.v1.ListStreamsResponse;
import dev.kiln.proto.v1.PullProperties;
import dev.kiln.proto.v1.SendEventRequest;
import dev.kiln.proto.v1.StartHlsDumpRequest;
import dev.kiln.proto.v1.StopHlsDumpRequest;
import dev.kiln.proto.v1.StreamInfo;
import dev.kiln.proto.v1.StreamServiceGrpc;
import dev.kiln.runtime.media.DefaultStreamRegistry;
import dev.kiln.runtime.model.ModelValidator;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * gRPC implementation of the stream API over the media bus. Pull streams are created by the
 * {@link PullStreamProvider} that plugins register for the URLs' scheme: the kernel validates
 * the request (400), refuses a live name (409) and a scheme no plugin serves (501), then
 * answers when the provider has the stream open (201) or has given up (502), without holding
 * a thread meanwhile.
 */
public final class StreamControlService extends StreamServiceGrpc.StreamServiceImplBase {
    /** OME's defaults for the pull properties a request leaves out. */
    static final int DEFAULT_NO_INPUT_FAILOVER_TIMEOUT_MS = 3_000;
    static final int DEFAULT_UNUSED_STREAM_DELETION_TIMEOUT_MS = 60_000;

    private final VirtualHostRegistry model;
    private final DefaultStreamRegistry streams;
    private final Supplier<List<PullStreamProvider>> pullers;
    private final Supplier<Optional<PlaybackPublisher>> playback;
    private final StorageRoots dumpRoots;

    public StreamControlService(VirtualHostRegistry model, DefaultStreamRegistry streams,
                                Supplier<List<PullStreamProvider>> pullers) {
        this(model, streams, pullers, Optional::empty,
                new StorageRoots("dump folders", List.of(Path.of("data", "dumps"))));
    }

    /**
     * @param playback the LL-HLS publisher, when installed (sendEvent, HLS dumps)
     * @param dumpRoots the folders HLS dumps must stay inside ({@code <data>/dumps} first, where
     *                  relative paths resolve, then those of {@code KILN_DUMP_ROOTS})
     */
    public StreamControlService(VirtualHostRegistry model, DefaultStreamRegistry streams,
                                Supplier<List<PullStreamProvider>> pullers,
                                Supplier<Optional<PlaybackPublisher>> playback, StorageRoots dumpRoots) {
        this.model = model;
        this.streams = streams;
        this.pullers = pullers;
        this.playback = playback;
        this.dumpRoots = dumpRoots;
    }

    @Override
    public void listStreams(ListStreamsRequest request, StreamObserver<ListStreamsResponse> out) {
        Rpc.unary(out, () -> {
            model.app(request.getVhost(), request.getApp());
            return ListStreamsResponse.newBuilder()
                    .addAllNames(streams.inputs(request.getVhost(), request.getApp()).stream()
                            .map(s -> s.key().name()).toList())
                    .build();
        });
    }

    @Override
    public void getStream(GetStreamRequest request, StreamObserver<StreamInfo> out) {
        Rpc.unary(out, () -> {
            LiveStream input = input(request.getVhost(), request.getApp(), request.getStream());
            return StreamInfos.of(input, streams.outputsOf(input));
        });
    }

    @Override
    public void deleteStream(DeleteStreamRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            input(request.getVhost(), request.getApp(), request.getStream()).disconnect();
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void createPullStream(CreatePullStreamRequest request, StreamObserver<Empty> out) {
        CompletableFuture<Void> created;
        try {
            model.app(request.getVhost(), request.getApp());
            PullRequest pull = pullRequest(request);
            if (streams.findInput(pull.key()).isPresent()) {
                throw new ConflictException("A stream with the same name already exists: [" + pull.key() + "]");
            }
            PullStreamProvider provider = pullers.get().stream()
                    .filter(p -> p.schemes().contains(pull.scheme()))
                    .findFirst()
                    .orElseThrow(() -> new NotImplementedException("Pulling " + pull.scheme()
                            + ":// URLs needs a plugin that is not installed"));
            created = provider.create(pull).toCompletableFuture();
        } catch (RuntimeException e) {
            out.onError(e);
            return;
        }
        // A backstop: the provider answers within CREATE_TIMEOUT_MS itself; completing the future
        // here tells it to stop, should it not have.
        created.orTimeout(PullStreamProvider.CREATE_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        out.onNext(Empty.getDefaultInstance());
                        out.onCompleted();
                    } else {
                        out.onError(pullFailure(failure));
                    }
                });
    }

    /** The request as the providers get it, or a 400 naming the field that is wrong. */
    private static PullRequest pullRequest(CreatePullStreamRequest request) {
        String name = request.getName();
        if (name.isEmpty()) {
            throw new InvalidArgumentException("[name] is required");
        }
        if (!ModelValidator.isValidName(name)) {
            throw new InvalidArgumentException("Stream name [" + name + "] is invalid: use 1 to 128 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (request.getUrlsCount() == 0) {
            throw new InvalidArgumentException("[urls] is required: give at least one URL to pull");
        }
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < request.getUrlsCount(); i++) {
            urls.add(pullUrl(i, request.getUrls(i)));
        }
        String scheme = urls.get(0).getScheme().toLowerCase(Locale.ROOT);
        for (URI u : urls) {
            if (!u.getScheme().equalsIgnoreCase(scheme)) {
                throw new InvalidArgumentException("[urls] must all have the same scheme; got " + scheme
                        + " and " + u.getScheme().toLowerCase(Locale.ROOT));
            }
        }
        PullProperties p = request.getProperties();
        int noInput = p.hasNoInputFailoverTimeoutMs() ? p.getNoInputFailoverTimeoutMs()
                : DEFAULT_NO_INPUT_FAILOVER_TIMEOUT_MS;
        int unused = p.hasUnusedStreamDeletionTimeoutMs() ? p.getUnusedStreamDeletionTimeoutMs()
                : DEFAULT_UNUSED_STREAM_DELETION_TIMEOUT_MS;
        if (noInput < 0) {
            throw new InvalidArgumentException("[properties.noInputFailoverTimeoutMs] must not be negative");
        }
        if (unused < 0) {
            throw new InvalidArgumentException("[properties.unusedStreamDeletionTimeoutMs] must not be negative");
        }
        return new PullRequest(new StreamKey(request.getVhost(), request.getApp(), name), urls,
                p.getPersistent(), Duration.ofMillis(noInput), Duration.ofMillis(unused),
                p.getIgnoreRtcpSRTimestamp());
    }

    private static URI pullUrl(int index, String text) {
        String field = "[urls[" + index + "]]";
        URI u;
        try {
            u = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new InvalidArgumentException(field + " is not a valid URL: " + e.getMessage());
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new InvalidArgumentException(field + " must be an absolute URL with a host, e.g."
                    + " rtsp://camera.example:554/stream; got [" + text + "]");
        }
        return u;
    }

    private static Throwable pullFailure(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return new UpstreamException("Failed to pull the stream: no URL delivered it within "
                    + PullStreamProvider.CREATE_TIMEOUT_MS / 1000 + " s");
        }
        return t;
    }

    @Override
    public void sendEvent(SendEventRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            LiveStream input = input(request.getVhost(), request.getApp(), request.getStream());
            PlaybackEvent event = PlaybackRequests.event(request);
            publisher("Events").sendEvent(input.key(), event);
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void startHlsDump(StartHlsDumpRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            LiveStream input = input(request.getVhost(), request.getApp(), request.getStream());
            StreamKey output = output(input, request.getOutputStreamName());
            HlsDumpRequest dump = PlaybackRequests.dump(request, output, dumpRoots);
            publisher("HLS dumps").startHlsDump(dump);
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void stopHlsDump(StopHlsDumpRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            LiveStream input = input(request.getVhost(), request.getApp(), request.getStream());
            StreamKey output = output(input, request.getOutputStreamName());
            publisher("HLS dumps").stopHlsDump(output, request.getId());
            return Empty.getDefaultInstance();
        });
    }

    private PlaybackPublisher publisher(String what) {
        return playback.get().orElseThrow(() -> new NotImplementedException(
                what + " need the LL-HLS publisher, which is not installed"));
    }

    /** The named output stream of an input, or a 400/404 naming outputStreamName. */
    private StreamKey output(LiveStream input, String name) {
        if (name.isEmpty()) {
            throw new InvalidArgumentException("[outputStreamName] is required");
        }
        return streams.outputsOf(input).stream()
                .map(LiveStream::key)
                .filter(k -> k.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("Could not find the output stream: ["
                        + input.key().appPath() + "/" + name + "]"));
    }

    private LiveStream input(String vhost, String app, String stream) {
        model.app(vhost, app);
        return streams.findInput(new StreamKey(vhost, app, stream))
                .orElseThrow(() -> new NotFoundException(
                        "Could not find the stream: [" + vhost + "/" + app + "/" + stream + "]"));
    }
}
