package dev.kiln.runtime;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.util.TransportType;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.publish.PlaybackPublisher;
import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.state.StateStore;
import dev.kiln.proto.v1.PushServiceGrpc;
import dev.kiln.proto.v1.RecordServiceGrpc;
import dev.kiln.proto.v1.RecordingTaskServiceGrpc;
import dev.kiln.api.stream.PullStreamProvider;
import dev.kiln.api.stream.StreamListener;
import dev.kiln.api.stream.StreamRegistry;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What the kernel offers plugins in the OSGi service registry: the stream registry, the
 * server settings and the shared Netty event loops (the API server's worker group, with the
 * channel classes that fit it, so no bundle starts event loops of its own) and the state
 * store. Also tracks what plugins offer back: {@link StreamListener}s, the recorder's
 * implementation of the record API, the push plugin's implementation of the push API, the
 * recording-tasks plugin's implementation of Callaba's recording API, the
 * codec plugin's {@link TranscoderFactory} and the {@link PullStreamProvider}s of pull plugins.
 */
final class KernelServices implements AutoCloseable {
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final ServiceTracker<StreamListener, StreamListener> listeners;
    private final ServiceTracker<RecordServiceGrpc.AsyncService, RecordServiceGrpc.AsyncService> recorders;
    private final ServiceTracker<PushServiceGrpc.AsyncService, PushServiceGrpc.AsyncService> pushers;
    private final ServiceTracker<RecordingTaskServiceGrpc.AsyncService, RecordingTaskServiceGrpc.AsyncService>
            recordingTasks;
    private final ServiceTracker<TranscoderFactory, TranscoderFactory> transcoders;
    private final ServiceTracker<PullStreamProvider, PullStreamProvider> pullers;
    private final ServiceTracker<PlaybackPublisher, PlaybackPublisher> playback;

    KernelServices(BundleContext context) {
        listeners = new ServiceTracker<>(context, StreamListener.class, null);
        listeners.open();
        recorders = new ServiceTracker<>(context, RecordServiceGrpc.AsyncService.class, null);
        recorders.open();
        pushers = new ServiceTracker<>(context, PushServiceGrpc.AsyncService.class, null);
        pushers.open();
        recordingTasks = new ServiceTracker<>(context, RecordingTaskServiceGrpc.AsyncService.class, null);
        recordingTasks.open();
        transcoders = new ServiceTracker<>(context, TranscoderFactory.class, null);
        transcoders.open();
        pullers = new ServiceTracker<>(context, PullStreamProvider.class, null);
        pullers.open();
        playback = new ServiceTracker<>(context, PlaybackPublisher.class, null);
        playback.open();
    }

    /** The LL-HLS publisher plugin, when one is installed. */
    Optional<PlaybackPublisher> playbackPublisher() {
        return Optional.ofNullable(playback.getService());
    }

    /** The pull stream providers installed now. */
    List<PullStreamProvider> pullStreamProviders() {
        PullStreamProvider[] tracked = pullers.getServices(new PullStreamProvider[0]);
        return tracked == null ? List.of() : Arrays.asList(tracked);
    }

    /** The codec plugin's transcoder factory, when one is installed. */
    Optional<TranscoderFactory> transcoderFactory() {
        return Optional.ofNullable(transcoders.getService());
    }

    /** The recorder plugin's implementation of the record API, when one is installed. */
    Optional<RecordServiceGrpc.AsyncService> recorder() {
        return Optional.ofNullable(recorders.getService());
    }

    /** The push plugin's implementation of the push API, when one is installed. */
    Optional<PushServiceGrpc.AsyncService> pusher() {
        return Optional.ofNullable(pushers.getService());
    }

    /** The recording-tasks plugin's implementation of Callaba's recording API, when installed. */
    Optional<RecordingTaskServiceGrpc.AsyncService> recordingTasks() {
        return Optional.ofNullable(recordingTasks.getService());
    }

    /** The currently registered stream listeners. */
    List<StreamListener> streamListeners() {
        StreamListener[] tracked = listeners.getServices(new StreamListener[0]);
        return tracked == null ? List.of() : Arrays.asList(tracked);
    }

    void register(BundleContext context, StreamRegistry streams, ServerSettings settings, StateStore store) {
        registrations.add(context.registerService(StreamRegistry.class, streams, null));
        registrations.add(context.registerService(StateStore.class, store, null));
        registrations.add(context.registerService(ServerSettings.class, settings, null));
        EventLoopGroup workers = CommonPools.workerGroup();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kiln.eventloop", "worker");
        props.put("kiln.serverChannel", TransportType.serverChannelType(workers));
        props.put("kiln.datagramChannel", TransportType.datagramChannelType(workers));
        props.put("kiln.socketChannel", TransportType.socketChannelType(workers));
        registrations.add(context.registerService(EventLoopGroup.class, workers, props));
    }

    @Override
    public void close() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped first
            }
        }
        registrations.clear();
        listeners.close();
        recorders.close();
        pushers.close();
        recordingTasks.close();
        transcoders.close();
        pullers.close();
        playback.close();
    }
}
