package dev.kiln.push.internal;

import dev.kiln.api.media.Track;
import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamListener;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.proto.v1.ListPushesRequest;
import dev.kiln.proto.v1.ListPushesResponse;
import dev.kiln.proto.v1.PushServiceGrpc;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.proto.v1.StopPushRequest;
import dev.kiln.push.internal.api.PushGrpcService;
import dev.kiln.push.internal.ffmpeg.FfmpegTargetFactory;
import dev.kiln.push.internal.rtmp.RtmpTargetFactory;
import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.ProtocolTargets;
import dev.kiln.push.internal.target.PushTargetFactory;
import dev.kiln.push.internal.task.ExecutorPushTimer;
import dev.kiln.push.internal.task.PushValidator;
import dev.kiln.push.internal.task.Pusher;
import io.grpc.stub.StreamObserver;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The push bundle's component: the push API for the kernel and a stream listener that hands
 * appearing and ending output streams to the tasks following them. RTMP connections run on the
 * kernel's shared Netty event loops; SRT and MPEG-TS connections on a thread each (FFmpeg).
 */
@Component(service = {PushServiceGrpc.AsyncService.class, StreamListener.class}, immediate = true)
public final class PushComponent implements PushServiceGrpc.AsyncService, StreamListener {
    /** Service property of the kernel's event loop group: the matching client channel class. */
    static final String SOCKET_CHANNEL_PROPERTY = "kiln.socketChannel";

    private final ExecutorPushTimer timer = new ExecutorPushTimer();
    private final Pusher pusher;
    private final PushGrpcService api;

    @Activate
    public PushComponent(@Reference StreamRegistry streams, @Reference StateStore store,
                         @Reference ServerSettings settings,
                         @Reference(service = EventLoopGroup.class, target = "(kiln.eventloop=worker)")
                         Map.Entry<Map<String, ?>, EventLoopGroup> eventLoops) {
        PushTargetFactory ffmpeg = new FfmpegTargetFactory();
        PushTargetFactory rtmp = new RtmpTargetFactory(eventLoops.getValue(), socketChannel(eventLoops.getKey()));
        ProtocolTargets targets = new ProtocolTargets(Map.of(Protocol.RTMP, rtmp, Protocol.SRT, ffmpeg,
                Protocol.MPEGTS, ffmpeg));
        this.pusher = new Pusher(streams, store, new PushValidator(settings.apiBindAddress(), settings.apiPort()),
                targets, timer);
        this.api = new PushGrpcService(pusher);
        pusher.restore();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Channel> socketChannel(Map<String, ?> properties) {
        Object value = properties.get(SOCKET_CHANNEL_PROPERTY);
        if (value instanceof Class<?> type && Channel.class.isAssignableFrom(type)) {
            return (Class<? extends Channel>) type;
        }
        throw new IllegalStateException("the kernel's event loop group has no usable " + SOCKET_CHANNEL_PROPERTY
                + " property: " + value);
    }

    @Deactivate
    void deactivate() {
        pusher.close();
        timer.close();
    }

    @Override
    public void startPush(StartPushRequest request, StreamObserver<PushTask> out) {
        api.startPush(request, out);
    }

    @Override
    public void stopPush(StopPushRequest request, StreamObserver<PushTask> out) {
        api.stopPush(request, out);
    }

    @Override
    public void listPushes(ListPushesRequest request, StreamObserver<ListPushesResponse> out) {
        api.listPushes(request, out);
    }

    @Override
    public void streamCreated(LiveStream stream) {
        pusher.streamAvailable(stream);
    }

    @Override
    public void tracksReady(LiveStream stream, List<Track> tracks) {
        pusher.streamAvailable(stream);
    }

    @Override
    public void streamClosed(LiveStream stream) {
        pusher.streamClosed(stream);
    }
}
