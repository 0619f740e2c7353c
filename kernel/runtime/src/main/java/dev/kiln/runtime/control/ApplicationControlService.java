package dev.kiln.runtime.control;

import com.google.protobuf.Empty;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.ApplicationResult;
import dev.kiln.proto.v1.ApplicationServiceGrpc;
import dev.kiln.proto.v1.CreateApplicationsRequest;
import dev.kiln.proto.v1.CreateApplicationsResponse;
import dev.kiln.proto.v1.DeleteApplicationRequest;
import dev.kiln.proto.v1.GetApplicationRequest;
import dev.kiln.proto.v1.ListApplicationsRequest;
import dev.kiln.proto.v1.ListApplicationsResponse;
import dev.kiln.proto.v1.PatchApplicationRequest;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;

/** gRPC implementation of the application API over the {@link VirtualHostRegistry}. */
public final class ApplicationControlService extends ApplicationServiceGrpc.ApplicationServiceImplBase {
    private final VirtualHostRegistry registry;

    public ApplicationControlService(VirtualHostRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void listApplications(ListApplicationsRequest request, StreamObserver<ListApplicationsResponse> out) {
        Rpc.unary(out, () -> ListApplicationsResponse.newBuilder()
                .addAllNames(registry.appNames(request.getVhost()))
                .build());
    }

    @Override
    public void createApplications(CreateApplicationsRequest request,
                                   StreamObserver<CreateApplicationsResponse> out) {
        Rpc.unary(out, () -> {
            registry.vhost(request.getVhost()); // 404 for the whole request when the vhost is unknown
            return CreateApplicationsResponse.newBuilder()
                    .addAllResults(BatchItem.createEach(request.getAppsList(), "application",
                            a -> registry.createApp(request.getVhost(), a),
                            (code, message, app) -> {
                                ApplicationResult.Builder r =
                                        ApplicationResult.newBuilder().setStatusCode(code).setMessage(message);
                                return (app == null ? r : r.setResponse(app)).build();
                            }))
                    .build();
        });
    }

    @Override
    public void getApplication(GetApplicationRequest request, StreamObserver<Application> out) {
        Rpc.unary(out, () -> registry.app(request.getVhost(), request.getApp()));
    }

    @Override
    public void patchApplication(PatchApplicationRequest request, StreamObserver<Application> out) {
        Rpc.unary(out, () -> {
            registry.app(request.getVhost(), request.getApp()); // 404 before 400
            return registry.patchApp(request.getVhost(), request.getApp(), request.getAppPatch());
        });
    }

    @Override
    public void deleteApplication(DeleteApplicationRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            registry.deleteApp(request.getVhost(), request.getApp());
            return Empty.getDefaultInstance();
        });
    }
}
