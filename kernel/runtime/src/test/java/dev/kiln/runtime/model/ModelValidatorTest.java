package dev.kiln.runtime.model;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.proto.v1.OutputProfile;
import org.junit.jupiter.api.Test;

/** Output profile playlists: the JSON shape the API takes and the checks on it. */
class ModelValidatorTest {
    private static final String ENCODES = "\"name\":\"p\",\"outputStreamName\":\"${OriginStreamName}_p\","
            + "\"encodes\":{\"videos\":[{\"name\":\"bypass_video\",\"bypass\":true}],"
            + "\"audios\":[{\"name\":\"aac\",\"bypass\":true},{\"name\":\"opus\",\"codec\":\"opus\"}]}";

    private static OutputProfile profile(String playlists) throws Exception {
        OutputProfile.Builder b = OutputProfile.newBuilder();
        JsonFormat.parser().merge("{" + ENCODES + ",\"playlists\":[" + playlists + "]}", b);
        return b.build();
    }

    private static void rejected(String playlists, String message) {
        assertThatThrownBy(() -> ModelValidator.checkProfile(profile(playlists)))
                .isInstanceOf(InvalidArgumentException.class).hasMessage(message);
    }

    @Test
    void aPlaylistOfBypassAndEncodedRenditionsIsAccepted() throws Exception {
        OutputProfile p = profile("{\"name\":\"ABR\",\"fileName\":\"abr\",\"options\":{\"webrtcAutoAbr\":true},"
                + "\"renditions\":[{\"name\":\"hd\",\"video\":\"bypass_video\",\"audio\":\"aac\"},"
                + "{\"name\":\"radio\",\"audio\":\"opus\"},{\"name\":\"mute\",\"video\":\"bypass_video\"}]},"
                + "{\"fileName\":\"llhls\",\"renditions\":[{\"audio\":\"aac\"}]}");
        assertThatCode(() -> ModelValidator.checkProfile(p)).doesNotThrowAnyException();
        org.assertj.core.api.Assertions.assertThat(p.getPlaylists(0).getRenditions(1).getAudio()).isEqualTo("opus");
    }

    @Test
    void badPlaylistsAreRefusedNamingTheField() {
        rejected("{\"fileName\":\"abr\",\"renditions\":[{\"audio\":\"aac\"},{\"video\":\"hd\"}]}",
                "Output profile [p]: [playlists[0].renditions[1].video] \"hd\" names no video encode of this profile");
        rejected("{\"fileName\":\"abr\",\"renditions\":[{\"video\":\"bypass_video\",\"audio\":\"bypass_video\"}]}",
                "Output profile [p]: [playlists[0].renditions[0].audio] \"bypass_video\" names no audio encode"
                        + " of this profile");
        rejected("{\"fileName\":\"abr\",\"renditions\":[{\"name\":\"x\"}]}",
                "Output profile [p]: [playlists[0].renditions[0]] needs [video] or [audio]");
        rejected("{\"fileName\":\"abr\",\"renditions\":[]}",
                "Output profile [p]: [playlists[0].renditions] must have at least one item");
        rejected("{\"fileName\":\"a\",\"renditions\":[{\"audio\":\"aac\"}]},{\"renditions\":[{\"audio\":\"aac\"}]}",
                "Output profile [p]: [playlists[1].fileName] is required");
        rejected("{\"fileName\":\"a\",\"renditions\":[{\"audio\":\"aac\"}]},"
                        + "{\"fileName\":\"a\",\"renditions\":[{\"audio\":\"aac\"}]}",
                "Output profile [p]: [playlists[1].fileName] \"a\" appears twice");
        for (String bad : new String[] {"abr.m3u8", "../abr", "a/b", "chunklist_0_video_llhls", "a b"}) {
            rejected("{\"fileName\":\"" + bad + "\",\"renditions\":[{\"audio\":\"aac\"}]}",
                    "Output profile [p]: [playlists[0].fileName] \"" + bad + "\" is invalid: use 1 to 64 letters,"
                            + " digits, '_' or '-' (no \".m3u8\", not starting with \"chunklist_\")");
        }
    }
}
