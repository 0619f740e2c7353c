package dev.kiln.gateway;

import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.Message;

import dev.kiln.proto.v1.ListRecordsRequest;
import dev.kiln.proto.v1.ListRecordsResponse;
import dev.kiln.proto.v1.PushServiceGrpc;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.RecordServiceGrpc;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StreamSelector;
import io.grpc.stub.StreamObserver;

/** Record and push services answering fixed tasks, with the 64-bit counters OME prints as numbers. */
final class FixedTaskServices {

    private FixedTaskServices() {}

    /** Starts echo the request's id and interval; lists answer two tasks. Remembers the last request. */
    static final class Record extends RecordServiceGrpc.RecordServiceImplBase {

        final AtomicReference<Message> lastRequest = new AtomicReference<>();

        static RecordTask task(String id) {
            return RecordTask.newBuilder()
                             .setId(id)
                             .setState("recording")
                             .setVhost("default")
                             .setApp("app")
                             .setStream(StreamSelector.newBuilder().setName("stream_o").addTrackIds(1))
                             .setRecordBytes(1234)
                             .setRecordTime(5000)
                             .setTotalRecordBytes(123_456_789_012L)
                             .setTotalRecordTime(60_000)
                             .setCreatedTime("2026-01-01T00:00:00.000+00:00")
                             .build();
        }

        @Override
        public void startRecord(StartRecordRequest request, StreamObserver<RecordTask> response) {
            lastRequest.set(request);
            final RecordTask.Builder task = task(request.getId()).toBuilder();
            if (request.hasInterval()) {
                task.setInterval(request.getInterval());
            }
            response.onNext(task.build());
            response.onCompleted();
        }

        @Override
        public void listRecords(ListRecordsRequest request, StreamObserver<ListRecordsResponse> response) {
            lastRequest.set(request);
            response.onNext(ListRecordsResponse.newBuilder().addRecords(task("r1")).addRecords(task("r2")).build());
            response.onCompleted();
        }
    }

    /** Starts answer a pushing task with fixed counters. */
    static final class Push extends PushServiceGrpc.PushServiceImplBase {

        @Override
        public void startPush(StartPushRequest request, StreamObserver<PushTask> response) {
            response.onNext(PushTask.newBuilder()
                                    .setId(request.getId())
                                    .setState("pushing")
                                    .setProtocol("rtmp")
                                    .setUrl("rtmp://example/live")
                                    .setStreamKey("1234")
                                    .setSentBytes(10)
                                    .setSentTime(20)
                                    .setSequence(1)
                                    .setTotalSentBytes(4321)
                                    .setTotalSentTime(8765)
                                    .build());
            response.onCompleted();
        }
    }
}
