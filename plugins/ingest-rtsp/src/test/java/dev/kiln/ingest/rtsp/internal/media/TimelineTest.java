package dev.kiln.ingest.rtsp.internal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TimelineTest {
    private final Timeline timeline = new Timeline();

    @Test
    void theFirstConnectionKeepsFfmpegsTimes() {
        assertThat(timeline.map(1, 48_000, 0, 0)).isEqualTo(new Timeline.Stamp(0, 0));
        assertThat(timeline.map(0, 90_000, 3_933, 3_933)).isEqualTo(new Timeline.Stamp(3_933, 3_933));
        assertThat(timeline.map(0, 90_000, 7_533 + 3_600, 7_533)).isEqualTo(new Timeline.Stamp(11_133, 7_533));
        assertThat(timeline.map(1, 48_000, 1_024, 1_024)).isEqualTo(new Timeline.Stamp(1_024, 1_024));
    }

    @Test
    void aNewConnectionContinuesAfterTheLastPacket() {
        for (int i = 0; i < 25; i++) {
            timeline.map(0, 90_000, i * 3_600L, i * 3_600L);
        }
        timeline.newConnection();
        Timeline.Stamp first = timeline.map(0, 90_000, 5_000_000, 5_000_000);
        // last dts 86400 + one frame 3600, plus the 0.1 s gap
        assertThat(first.dts()).isEqualTo(90_000 + 9_000);
        assertThat(timeline.map(0, 90_000, 5_003_600, 5_003_600).dts()).isEqualTo(90_000 + 9_000 + 3_600);
        // the same instant on the audio clock lands at the same place
        Timeline.Stamp audio = timeline.map(1, 48_000, 2_666_667, 2_666_667);
        assertThat(audio.dts()).isCloseTo(52_800, within(1L));
    }

    @Test
    void jumpsAreSmoothedAndSmallStepsBackClamped() {
        timeline.map(0, 90_000, 0, 0);
        timeline.map(0, 90_000, 3_600, 3_600);
        assertThat(timeline.map(0, 90_000, 3_600 + 90_000 * 60, 3_600 + 90_000 * 60).dts()).isEqualTo(7_200);
        assertThat(timeline.map(0, 90_000, 3_600 + 90_000 * 60 + 3_600, 3_600 + 90_000 * 60 + 3_600).dts())
                .isEqualTo(10_800);
        Timeline.Stamp back = timeline.map(0, 90_000, 3_600 + 90_000 * 60, 3_600 + 90_000 * 60);
        assertThat(back.dts()).isEqualTo(10_801);
        assertThat(back.pts()).isEqualTo(10_801);
    }

    @Test
    void missingTimestampsContinueFromTheLastPacket() {
        assertThat(timeline.map(0, 90_000, Timeline.NONE, Timeline.NONE)).isEqualTo(new Timeline.Stamp(0, 0));
        timeline.map(0, 90_000, 3_600, 3_600);
        timeline.map(0, 90_000, 7_200, 7_200);
        assertThat(timeline.map(0, 90_000, Timeline.NONE, Timeline.NONE).dts()).isEqualTo(10_800);
        assertThat(timeline.map(0, 90_000, 14_400, Timeline.NONE)).isEqualTo(new Timeline.Stamp(14_400, 14_400));
    }
}
