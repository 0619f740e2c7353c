package dev.kiln.codec.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterleaverTest {
    private final Fakes.Output out = new Fakes.Output();
    private final List<MediaPacket> made = new ArrayList<>();

    /** Video is track 0 (ms), audio track 1 (48 kHz). */
    private final Interleaver il = new Interleaver(out, Map.of(0, 1000, 1, 48_000));

    private MediaPacket packet(int track, long dts) {
        MediaPacket p = new MediaPacket(track, dts, dts, false, new HeapPayload(new byte[] {1}));
        made.add(p);
        return p;
    }

    private List<String> written() {
        return out.packets.stream().map(p -> p.trackId() + "@" + p.dts()).toList();
    }

    @Test
    void audioAheadOfALaggingVideoEncoderWaitsForTheVideo() {
        // Opus comes out at once, x264 ~0.5 s later.
        for (int i = 0; i < 25; i++) {
            il.write(packet(1, i * 960L)); // 20 ms frames: 0 .. 480 ms
        }
        assertThat(out.packets).as("audio waits for the first video").isEmpty();
        il.write(packet(0, 0));
        il.write(packet(0, 33));
        assertThat(written()).containsExactly("1@0", "0@0", "1@960", "0@33");
        il.write(packet(0, 500));
        assertThat(written()).as("the audio up to 480 ms, not the video at 500").hasSize(4 + 23)
                .endsWith("1@22080", "1@23040");
        assertThat(written()).doesNotContain("0@500");
        il.flush();
        assertThat(written()).endsWith("0@500");
        out.packets.forEach(p -> p.payload().release());
        assertThat(made).allSatisfy(p -> assertThat(p.payload().refCount()).isZero());
    }

    @Test
    void aStalledOrForgottenTrackHoldsNothingUpForLong() {
        il.write(packet(0, 0));
        il.write(packet(0, 1000));
        assertThat(out.packets).as("no audio yet: video waits").isEmpty();
        il.write(packet(0, 2000));
        assertThat(written()).as("held at most 2 s").containsExactly("0@0");
        il.forget(1);
        assertThat(written()).containsExactly("0@0", "0@1000", "0@2000");
    }

    @Test
    void closeReleasesWhatIsHeld() {
        il.write(packet(1, 0));
        il.write(packet(1, 960));
        il.close();
        assertThat(out.packets).isEmpty();
        assertThat(made).allSatisfy(p -> assertThat(p.payload().refCount()).isZero());
    }
}
