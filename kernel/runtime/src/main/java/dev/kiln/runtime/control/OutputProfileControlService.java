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
            return CreateOutputProfilesResponse.newBuilder()
                    .addAllResults(BatchItem.createEach(request.getProfilesList(), "output profile",
                            p -> registry.addProfile(request.getVhost(), request.getApp(), p),
                            (code, message, profile) -> {
                                OutputProfileResult.Builder r =
                                        OutputProfileResult.newBuilder().setStatusCode(code).setMessage(message);
                                return (profile == null ? r : r.setResponse(profile)).build();
                            }))
                    .build();
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
