package dev.kiln.gateway;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.Empty;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.ApplicationResult;
import dev.kiln.proto.v1.ApplicationServiceGrpc;
import dev.kiln.proto.v1.CreateApplicationsRequest;
import dev.kiln.proto.v1.CreateApplicationsResponse;
import dev.kiln.proto.v1.DeleteApplicationRequest;
import dev.kiln.proto.v1.GetApplicationRequest;
import dev.kiln.proto.v1.ListApplicationsRequest;
import dev.kiln.proto.v1.ListApplicationsResponse;
import io.grpc.stub.StreamObserver;

/**
 * Applications of a fixed model: vhost "default" has "app" and nothing else. GetApplication throws
 * {@link TestFailures} for their names, and answers {@link #STRUCTS} (providers and publishers set)
 * for its name; ListApplications answers an empty list for vhost "empty". CreateApplications
 * answers each application as created, as it was sent.
 */
final class FixedApplicationService extends ApplicationServiceGrpc.ApplicationServiceImplBase {

    /** An application whose providers and publishers hold integral and fractional numbers. */
    static final Application STRUCTS = Application
            .newBuilder()
            .setName("structs")
            .setType("live")
            .setProviders(Struct.newBuilder()
                                .putFields("rtmp", struct(Struct.newBuilder()))
                                .putFields("webrtc", struct(Struct.newBuilder()
                                                                  .putFields("timeout", number(60000)))))
            .setPublishers(Struct.newBuilder()
                                 .putFields("llhls", struct(Struct.newBuilder()
                                                                  .putFields("framerate", number(29.97))
                                                                  .putFields("segmentCount", number(3))
                                                                  .putFields("negative", number(-2))
                                                                  .putFields("bitrate", string("2500000"))
                                                                  .putFields("sizes", list(number(1), number(2.5))))))
            .build();

    /** Every name that reached GetApplication, so a test can tell a request never got here. */
    final List<String> requested = new CopyOnWriteArrayList<>();

    @Override
    public void listApplications(ListApplicationsRequest request,
                                 StreamObserver<ListApplicationsResponse> response) {
        final ListApplicationsResponse.Builder names = ListApplicationsResponse.newBuilder();
        if (!"empty".equals(request.getVhost())) {
            names.addNames("app");
        }
        response.onNext(names.build());
        response.onCompleted();
    }

    @Override
    public void getApplication(GetApplicationRequest request, StreamObserver<Application> response) {
        requested.add(request.getApp());
        final RuntimeException failure = TestFailures.forName(request.getApp());
        if (failure != null) {
            throw failure;
        }
        if (STRUCTS.getName().equals(request.getApp())) {
            response.onNext(STRUCTS);
        } else {
            response.onNext(Application.newBuilder().setName(request.getApp()).setType("live").build());
        }
        response.onCompleted();
    }

    @Override
    public void createApplications(CreateApplicationsRequest request,
                                   StreamObserver<CreateApplicationsResponse> response) {
        final CreateApplicationsResponse.Builder results = CreateApplicationsResponse.newBuilder();
        for (Application app : request.getAppsList()) {
            results.addResults(ApplicationResult.newBuilder().setStatusCode(200).setMessage("OK")
                                                .setResponse(app.toBuilder().setDynamic(true)));
        }
        response.onNext(results.build());
        response.onCompleted();
    }

    @Override
    public void deleteApplication(DeleteApplicationRequest request, StreamObserver<Empty> response) {
        final RuntimeException failure = TestFailures.forName(request.getApp());
        if (failure != null) {
            response.onError(failure);
            return;
        }
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }

    private static Value struct(Struct.Builder fields) {
        return Value.newBuilder().setStructValue(fields).build();
    }

    private static Value number(double n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value list(Value... values) {
        return Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(List.of(values))).build();
    }
}
