package dev.kiln.runtime.control;

import com.google.protobuf.Empty;
import dev.kiln.proto.v1.CreateOutputProfilesRequest;
import dev.kiln.proto.v1.CreateOutputProfilesResponse;
import dev.kiln.proto.v1.DeleteOutputProfileRequest;
import dev.kiln.proto.v1.GetOutputProfileRequest;
import dev.kiln.proto.v1.ListOutputProfilesRequest;
import dev.kiln.proto.v1.ListOutputProfilesResponse;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.OutputProfileResult;
import dev.kiln.proto.v1.OutputProfileServiceGrpc;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;

/** gRPC implementation of the output profile API over the {@link VirtualHostRegistry}. */
public final class OutputProfileControlService extends OutputProfileServiceGrpc.OutputProfileServiceImplBase {
    private final VirtualHostRegistry registry;

    public OutputProfileControlService(VirtualHostRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void listOutputProfiles(ListOutputProfilesRequest request, StreamObserver<ListOutputProfilesResponse> out) {
        Rpc.unary(out, () -> ListOutputProfilesResponse.newBuilder()
                .addAllNames(registry.profiles(request.getVhost(), request.getApp()).stream()
                        .map(OutputProfile::getName)
                        .toList())
                .build());
    }

    @Override
    public void createOutputProfiles(CreateOutputProfilesRequest request,
                                     StreamObserver<CreateOutputProfilesResponse> out) {
        Rpc.unary(out, () -> {
            registry.app(request.getVhost(), request.getApp()); // 404 for the whole request
            BatchItem.requireItems(request.getProfilesCount(), "output profile");
            CreateOutputProfilesResponse.Builder response = CreateOutputProfilesResponse.newBuilder();
            for (OutputProfile p : request.getProfilesList()) {
                BatchItem<OutputProfile> item =
                        BatchItem.run(() -> registry.addProfile(request.getVhost(), request.getApp(), p));
                OutputProfileResult.Builder r = OutputProfileResult.newBuilder()
                        .setStatusCode(item.statusCode())
                        .setMessage(item.message());
                if (item.value() != null) {
                    r.setResponse(item.value());
                }
                response.addResults(r);
            }
            return response.build();
        });
    }

    @Override
    public void getOutputProfile(GetOutputProfileRequest request, StreamObserver<OutputProfile> out) {
        Rpc.unary(out, () -> registry.profile(request.getVhost(), request.getApp(), request.getProfile()));
    }

    @Override
    public void deleteOutputProfile(DeleteOutputProfileRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            registry.deleteProfile(request.getVhost(), request.getApp(), request.getProfile());
            return Empty.getDefaultInstance();
        });
    }
}
