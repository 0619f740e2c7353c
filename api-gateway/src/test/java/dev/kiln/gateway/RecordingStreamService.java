package dev.kiln.gateway;

import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;

import dev.kiln.proto.v1.CreatePullStreamRequest;
import dev.kiln.proto.v1.ListStreamsRequest;
import dev.kiln.proto.v1.ListStreamsResponse;
import dev.kiln.proto.v1.StopHlsDumpRequest;
import dev.kiln.proto.v1.StreamServiceGrpc;
import io.grpc.stub.StreamObserver;

/** Streams: remembers the last request it got, so tests can check what transcoding made of a call. */
final class RecordingStreamService extends StreamServiceGrpc.StreamServiceImplBase {

    final AtomicReference<Message> lastRequest = new AtomicReference<>();

    @Override
    public void listStreams(ListStreamsRequest request, StreamObserver<ListStreamsResponse> response) {
        lastRequest.set(request);
        response.onNext(ListStreamsResponse.newBuilder().addNames("stream").build());
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
