package dev.kiln.gateway;

import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;

import dev.kiln.proto.v1.AudioTrackInfo;
import dev.kiln.proto.v1.CreatePullStreamRequest;
import dev.kiln.proto.v1.GetStreamRequest;
import dev.kiln.proto.v1.InputInfo;
import dev.kiln.proto.v1.ListStreamsRequest;
import dev.kiln.proto.v1.ListStreamsResponse;
import dev.kiln.proto.v1.StopHlsDumpRequest;
import dev.kiln.proto.v1.StreamInfo;
import dev.kiln.proto.v1.StreamServiceGrpc;
import dev.kiln.proto.v1.TrackInfo;
import dev.kiln.proto.v1.VideoTrackInfo;
import io.grpc.stub.StreamObserver;

/**
 * Streams: remembers the last request it got, so tests can check what transcoding made of a call.
 * GetStream answers an input with one video and one audio track, bitrates as decimal strings.
 */
final class RecordingStreamService extends StreamServiceGrpc.StreamServiceImplBase {

    final AtomicReference<Message> lastRequest = new AtomicReference<>();

    @Override
    public void listStreams(ListStreamsRequest request, StreamObserver<ListStreamsResponse> response) {
        lastRequest.set(request);
        response.onNext(ListStreamsResponse.newBuilder().addNames("stream").build());
        response.onCompleted();
    }

    @Override
    public void getStream(GetStreamRequest request, StreamObserver<StreamInfo> response) {
        lastRequest.set(request);
        final InputInfo input = InputInfo
                .newBuilder()
                .setCreatedTime("2026-01-01T00:00:00.000+00:00")
                .setSourceType("Rtmp")
                .addTracks(TrackInfo.newBuilder().setId(0).setType("Video")
                                    .setVideo(VideoTrackInfo.newBuilder().setCodec("H264").setWidth(1280)
                                                            .setHeight(720).setFramerate(29.97)
                                                            .setBitrate("2500000")))
                .addTracks(TrackInfo.newBuilder().setId(1).setType("Audio")
                                    .setAudio(AudioTrackInfo.newBuilder().setCodec("AAC").setSamplerate(48000)
                                                            .setChannel(2).setBitrate("128000")))
                .build();
        response.onNext(StreamInfo.newBuilder().setName(request.getStream()).setInput(input).build());
        response.onCompleted();
    }

    @Override
    public void createPullStream(CreatePullStreamRequest request, StreamObserver<Empty> response) {
        lastRequest.set(request);
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void stopHlsDump(StopHlsDumpRequest request, StreamObserver<Empty> response) {
        lastRequest.set(request);
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }
}
