package dev.kiln.codec.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.codec.internal.av.Decoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hardware decoding asked for: NVDEC where a GPU is usable, else the software decoder with the
 * same frames out. On a machine without an NVIDIA device this checks the fallback.
 */
class NvdecFallbackTest {

    @Test
    void aTrackDecodedWithNvdecAskedForGivesEveryFrameOnWhateverDecoderOpened(@TempDir Path dir) {
        Media.Input input = Media.read(Media.makeFlv(dir, "320x240", 2));
        Track video = input.tracks().stream().filter(t -> t.type() == MediaType.VIDEO).findFirst().orElseThrow();
        long packets = input.packets().stream().filter(p -> p.trackId() == video.id()).count();

        AtomicInteger frames = new AtomicInteger();
        AtomicInteger width = new AtomicInteger();
        String decoder;
        try (Decoder d = new Decoder(video, true)) {
            decoder = d.name();
            for (MediaPacket p : input.packets()) {
                if (p.trackId() == video.id()) {
                    d.decode(p, f -> {
                        frames.incrementAndGet();
                        width.set(f.width());
                    });
                }
            }
            d.flush(f -> frames.incrementAndGet());
        } finally {
            input.packets().forEach(p -> p.payload().release());
        }

        boolean gpu = Files.exists(Path.of("/dev/nvidia0"));
        assertThat(decoder).as("the decoder that opened").isEqualTo(gpu ? "h264_cuvid" : "h264");
        assertThat(frames.get()).as("frames out of %d packets", packets).isEqualTo((int) packets);
        assertThat(width.get()).isEqualTo(320);
    }
}
