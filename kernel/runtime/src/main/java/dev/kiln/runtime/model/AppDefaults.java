package dev.kiln.runtime.model;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.AudioEncode;
import dev.kiln.proto.v1.BypassIfMatch;
import dev.kiln.proto.v1.Encodes;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.OutputProfiles;
import dev.kiln.proto.v1.VideoEncode;

/**
 * The documented defaults of an application created without outputProfiles, providers or
 * publishers: one profile {@code default} that bypasses video and offers the audio as Opus
 * and AAC (each bypassed when the input codec already matches).
 */
public final class AppDefaults {
    private AppDefaults() {}

    /** Fills in what the request left out; never overrides what it gave. */
    public static Application apply(Application app) {
        Application.Builder b = app.toBuilder();
        if (!app.hasType()) {
            b.setType("live");
        }
        if (!app.hasOutputProfiles()) {
            b.setOutputProfiles(OutputProfiles.newBuilder().addOutputProfile(defaultProfile()));
        }
        if (!app.hasProviders()) {
            b.setProviders(emptyEntries("ovt", "rtmp", "rtspPull", "srt", "webrtc"));
        }
        if (!app.hasPublishers()) {
            b.setPublishers(emptyEntries("llhls", "ovt", "webrtc"));
        }
        return b.build();
    }

    static OutputProfile defaultProfile() {
        BypassIfMatch sameCodec = BypassIfMatch.newBuilder().setCodec("eq").build();
        return OutputProfile.newBuilder()
                .setName("default")
                .setOutputStreamName("${OriginStreamName}")
                .setEncodes(Encodes.newBuilder()
                        .addVideos(VideoEncode.newBuilder().setName("bypass_video").setBypass(true))
                        .addAudios(audio("opus", sameCodec))
                        .addAudios(audio("aac", sameCodec)))
                .build();
    }

    private static AudioEncode audio(String codec, BypassIfMatch match) {
        return AudioEncode.newBuilder()
                .setName(codec)
                .setCodec(codec)
                .setSamplerate(48000)
                .setBitrate(128000)
                .setChannel(2)
                .setBypassIfMatch(match)
                .build();
    }

    private static Struct emptyEntries(String... keys) {
        Struct.Builder s = Struct.newBuilder();
        for (String k : keys) {
            s.putFields(k, Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build());
        }
        return s.build();
    }
}
