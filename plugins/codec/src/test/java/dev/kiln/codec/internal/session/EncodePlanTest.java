package dev.kiln.codec.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodePlanTest {
    private static final Track VIDEO = Track.video(0, Codec.H264, 1000, 1280, 720, new byte[] {1});
    private static final Track AAC = Track.audio(1, Codec.AAC, 1000, 48000, 2, new byte[] {0x11, (byte) 0x90});

    @Test
    void numbersVideosThenAudiosAndAppliesTheDefaultProfilesRules() {
        OutputSpec spec = new OutputSpec("default", "cam", List.of(TranscodeSessionTest.bypassVideo(),
                TranscodeSessionTest.audio("opus", Codec.OPUS, 128000, 48000, 2, Map.of("codec", "eq")),
                TranscodeSessionTest.audio("aac", Codec.AAC, 128000, 48000, 2,
                        Map.of("codec", "eq", "samplerate", "eq", "channel", "lte"))));
        EncodePlan plan = EncodePlan.of(spec, List.of(VIDEO, AAC));
        assertThat(plan.entries()).extracting(EncodePlan.Entry::outputId).containsExactly(0, 1, 2);
        assertThat(plan.entries()).extracting(EncodePlan.Entry::passThrough).containsExactly(true, false, true);
    }

    @Test
    void sizeConditionsCompareTheInputWithTheEncode() {
        var small = TranscodeSessionTest.video("s", Codec.H264, 640, 360, 0, 0, "");
        var lte = new dev.kiln.api.codec.EncodeSpec("s", small.type(), false, Codec.H264, 1920, 1080, 0, 0, 0, 0, "",
                "", "", 0, 0, Map.of("width", "lte", "height", "lte"));
        assertThat(EncodePlan.passesThrough(lte, VIDEO)).isTrue();
        var gte = new dev.kiln.api.codec.EncodeSpec("s", small.type(), false, Codec.H264, 1920, 1080, 0, 0, 0, 0, "",
                "", "", 0, 0, Map.of("width", "gte"));
        assertThat(EncodePlan.passesThrough(gte, VIDEO)).isFalse();
        assertThat(EncodePlan.passesThrough(small, VIDEO)).isFalse();
    }

    @Test
    void encodesWithoutAnInputOfTheirTypeGetNoTrack() {
        OutputSpec spec = new OutputSpec("p", "cam", List.of(TranscodeSessionTest.bypassVideo(),
                TranscodeSessionTest.audio("opus", Codec.OPUS, 0, 0, 0, Map.of())));
        assertThat(EncodePlan.of(spec, List.of(AAC)).entries()).singleElement()
                .satisfies(e -> assertThat(e.outputId()).isZero());
    }
}
