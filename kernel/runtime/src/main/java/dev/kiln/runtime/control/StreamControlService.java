package dev.kiln.runtime.control;

import com.google.protobuf.Empty;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.proto.v1.CreatePullStreamRequest;
import dev.kiln.proto.v1.DeleteStreamRequest;
import dev.kiln.proto.v1.GetStreamRequest;
import dev.kiln.proto.v1.ListStreamsRequest;
import dev.kiln.proto.v1.ListStreamsResponse;
import dev.kiln.proto.v1.SendEventRequest;
import dev.kiln.proto.v1.StartHlsDumpRequest;
import dev.kiln.proto.v1.StopHlsDumpRequest;
import dev.kiln.proto.v1.StreamInfo;
import dev.kiln.proto.v1.StreamServiceGrpc;
import dev.kiln.runtime.media.DefaultStreamRegistry;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;

/** gRPC implementation of the stream API over the media bus. */
public final class StreamControlService extends StreamServiceGrpc.StreamServiceImplBase {
    private final VirtualHostRegistry model;
    private final DefaultStreamRegistry streams;

    public StreamControlService(VirtualHostRegistry model, DefaultStreamRegistry streams) {
        this.model = model;
        this.streams = streams;
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
        Rpc.unary(out, () -> {
            model.app(request.getVhost(), request.getApp());
            throw new NotImplementedException("Pull streams (RTSP, SRT) are not available yet");
        });
    }

    @Override
    public void sendEvent(SendEventRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            input(request.getVhost(), request.getApp(), request.getStream());
            throw new NotImplementedException("Events need the LL-HLS publisher, which is not installed");
        });
    }

    @Override
    public void startHlsDump(StartHlsDumpRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            input(request.getVhost(), request.getApp(), request.getStream());
            throw new NotImplementedException("HLS dumps need the LL-HLS publisher, which is not installed");
        });
    }

    @Override
    public void stopHlsDump(StopHlsDumpRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            input(request.getVhost(), request.getApp(), request.getStream());
            throw new NotImplementedException("HLS dumps need the LL-HLS publisher, which is not installed");
        });
    }

    private LiveStream input(String vhost, String app, String stream) {
        model.app(vhost, app);
        return streams.findInput(new StreamKey(vhost, app, stream))
                .orElseThrow(() -> new NotFoundException(
                        "Could not find the stream: [" + vhost + "/" + app + "/" + stream + "]"));
    }
}
