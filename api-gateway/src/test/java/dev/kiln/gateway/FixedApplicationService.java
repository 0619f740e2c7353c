package dev.kiln.gateway;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.Empty;

import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.ApplicationServiceGrpc;
import dev.kiln.proto.v1.DeleteApplicationRequest;
import dev.kiln.proto.v1.GetApplicationRequest;
import dev.kiln.proto.v1.ListApplicationsRequest;
import dev.kiln.proto.v1.ListApplicationsResponse;
import io.grpc.stub.StreamObserver;

/**
 * Applications of a fixed model: vhost "default" has "app" and nothing else. GetApplication throws
 * {@link TestFailures} for their names; ListApplications answers an empty list for vhost "empty".
 */
final class FixedApplicationService extends ApplicationServiceGrpc.ApplicationServiceImplBase {

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
        response.onNext(Application.newBuilder().setName(request.getApp()).setType("live").build());
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
}
