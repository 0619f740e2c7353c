package dev.kiln.recordingtasks.internal.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.proto.v1.RecordingTranscoding;
import org.junit.jupiter.api.Test;

class TranscodingTest {

    /** {@code transcoding} as a client's JSON body carries it. */
    private static Transcoding of(String json) {
        RecordingTranscoding.Builder b = RecordingTranscoding.newBuilder();
        try {
            JsonFormat.parser().merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        return Transcoding.of(b.build());
    }

    private static void refused(String json, String field) {
        assertThatThrownBy(() -> of(json)).as(json).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("[" + field + "] ");
    }

    @Test
    void disabledOrAbsentPassesTheTracksThrough() {
        for (String json : new String[] {"{}", "{\"video_transcoding\":\"Disabled\",\"audio_transcoding\":\"Disabled\"}",
                "{\"video_transcoding\":\"disabled\"}", "{\"audio_transcoding\":\"\"}", "{\"video_transcoding\":null}"}) {
            Transcoding t = of(json);
            assertThat(t.remux()).as(json).isTrue();
            assertThat(t.video().bypass()).isTrue();
            assertThat(t.video().type()).isEqualTo(MediaType.VIDEO);
            assertThat(t.audio().bypass()).isTrue();
            assertThat(t.audio().type()).isEqualTo(MediaType.AUDIO);
        }
    }

    @Test
    void aCodecNameIsThatCodecWithTheInputsSizeAndThePluginsDefaults() {
        Transcoding t = of("{\"video_transcoding\":\"H265\",\"audio_transcoding\":\"Disabled\"}");
        assertThat(t.remux()).isFalse();
        EncodeSpec v = t.video();
        assertThat(v.bypass()).isFalse();
        assertThat(v.codec()).isEqualTo(Codec.H265);
        assertThat(v.width()).isZero();
        assertThat(v.height()).isZero();
        assertThat(v.bitrate()).isZero();
        assertThat(v.preset()).isEmpty();
        assertThat(t.audio().bypass()).isTrue();
        assertThat(t.spec("s").encodes()).containsExactly(t.video(), t.audio());

        assertThat(of("{\"video_transcoding\":\"h264\"}").video().codec()).isEqualTo(Codec.H264);
        assertThat(of("{\"video_transcoding\":\"vp8\"}").video().codec()).isEqualTo(Codec.VP8);
        assertThat(of("{\"audio_transcoding\":\"Opus\"}").audio().codec()).isEqualTo(Codec.OPUS);
        assertThat(of("{\"audio_transcoding\":\"aac\"}").audio().codec()).isEqualTo(Codec.AAC);
        assertThat(of("{\"audio_transcoding\":\"aac\"}").video().bypass()).isTrue();
    }

    @Test
    void anObjectMapsTheOmeEncodeFields() {
        Transcoding t = of("{\"video_transcoding\":{\"codec\":\"h264\",\"width\":640,\"height\":360,"
                + "\"bitrate\":1000000,\"framerate\":29.97,\"keyFrameInterval\":60,\"preset\":\"Fast\"},"
                + "\"audio_transcoding\":{\"codec\":\"opus\",\"bitrate\":96000,\"samplerate\":48000,\"channel\":2}}");
        EncodeSpec v = t.video();
        assertThat(v.codec()).isEqualTo(Codec.H264);
        assertThat(v.width()).isEqualTo(640);
        assertThat(v.height()).isEqualTo(360);
        assertThat(v.bitrate()).isEqualTo(1_000_000);
        assertThat(v.framerate()).isEqualTo(29.97);
        assertThat(v.keyFrameInterval()).isEqualTo(60);
        assertThat(v.preset()).isEqualTo("fast");
        EncodeSpec a = t.audio();
        assertThat(a.codec()).isEqualTo(Codec.OPUS);
        assertThat(a.bitrate()).isEqualTo(96_000);
        assertThat(a.sampleRate()).isEqualTo(48_000);
        assertThat(a.channels()).isEqualTo(2);

        EncodeSpec widthOnly = of("{\"video_transcoding\":{\"codec\":\"h265\",\"width\":640}}").video();
        assertThat(widthOnly.width()).isEqualTo(640);
        assertThat(widthOnly.height()).isZero();
    }

    @Test
    void badValuesNameTheExactField() {
        String video = "transcoding.video_transcoding";
        String audio = "transcoding.audio_transcoding";
        refused("{\"video_transcoding\":\"h264_720p\"}", video);
        refused("{\"video_transcoding\":\"aac\"}", video);
        refused("{\"video_transcoding\":\"vp9\"}", video);
        refused("{\"video_transcoding\":5}", video);
        refused("{\"video_transcoding\":true}", video);
        refused("{\"video_transcoding\":[\"h264\"]}", video);
        refused("{\"audio_transcoding\":\"h264\"}", audio);
        refused("{\"video_transcoding\":{\"width\":640}}", video + ".codec");
        refused("{\"video_transcoding\":{\"codec\":7}}", video + ".codec");
        refused("{\"video_transcoding\":{\"codec\":\"av1\"}}", video + ".codec");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"width\":641}}", video + ".width");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"width\":\"640\"}}", video + ".width");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"height\":8}}", video + ".height");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"bitrate\":1.5}}", video + ".bitrate");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"framerate\":0}}", video + ".framerate");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"keyFrameInterval\":-1}}", video + ".keyFrameInterval");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"preset\":\"warp\"}}", video + ".preset");
        refused("{\"video_transcoding\":{\"codec\":\"h264\",\"samplerate\":48000}}", video + ".samplerate");
        refused("{\"audio_transcoding\":{\"codec\":\"aac\",\"channel\":3}}", audio + ".channel");
        refused("{\"audio_transcoding\":{\"codec\":\"aac\",\"samplerate\":1000}}", audio + ".samplerate");
        refused("{\"audio_transcoding\":{\"codec\":\"opus\",\"width\":640}}", audio + ".width");
        refused("{\"audio_transcoding\":{\"bitrate\":128000}}", audio + ".codec");
    }
}
