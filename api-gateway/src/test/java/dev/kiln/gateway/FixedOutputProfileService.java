package dev.kiln.gateway;

import dev.kiln.proto.v1.AudioEncode;
import dev.kiln.proto.v1.BypassIfMatch;
import dev.kiln.proto.v1.CreateOutputProfilesRequest;
import dev.kiln.proto.v1.CreateOutputProfilesResponse;
import dev.kiln.proto.v1.Encodes;
import dev.kiln.proto.v1.GetOutputProfileRequest;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.OutputProfileResult;
import dev.kiln.proto.v1.OutputProfileServiceGrpc;
import dev.kiln.proto.v1.VideoEncode;
import io.grpc.stub.StreamObserver;

/**
 * Output profiles: every profile exists and is OME's default (video bypass, opus with
 * bypassIfMatch); a create answers 409 for a profile named "taken" and 200 for the others.
 */
final class FixedOutputProfileService extends OutputProfileServiceGrpc.OutputProfileServiceImplBase {

    static OutputProfile defaultProfile(String name) {
        return OutputProfile.newBuilder()
                            .setName(name)
                            .setOutputStreamName("${OriginStreamName}")
                            .setEncodes(Encodes.newBuilder()
                                               .addVideos(VideoEncode.newBuilder().setBypass(true))
                                               .addAudios(AudioEncode.newBuilder()
                                                                     .setName("opus")
                                                                     .setCodec("opus")
                                                                     .setBitrate(128000)
                                                                     .setBypassIfMatch(BypassIfMatch
                                                                             .newBuilder().setCodec("eq"))))
                            .build();
    }

    @Override
    public void getOutputProfile(GetOutputProfileRequest request, StreamObserver<OutputProfile> response) {
        response.onNext(defaultProfile(request.getProfile()));
        response.onCompleted();
    }

    @Override
    public void createOutputProfiles(CreateOutputProfilesRequest request,
                                     StreamObserver<CreateOutputProfilesResponse> response) {
        final CreateOutputProfilesResponse.Builder results = CreateOutputProfilesResponse.newBuilder();
        for (OutputProfile profile : request.getProfilesList()) {
            if ("taken".equals(profile.getName())) {
                results.addResults(OutputProfileResult.newBuilder().setStatusCode(409).setMessage("Conflict"));
            } else {
                results.addResults(OutputProfileResult.newBuilder().setStatusCode(200).setMessage("OK")
                                                      .setResponse(profile));
            }
        }
        response.onNext(results.build());
        response.onCompleted();
    }
}
