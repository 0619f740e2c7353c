package dev.kiln.ingest.rtsp.internal.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AvcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.HevcDecoderConfig;
import dev.kiln.testkit.FfmpegTool;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converters on real bitstreams: the bundled ffmpeg encodes a test pattern to raw Annex B
 * H.264 and H.265, which is fed access unit by access unit as FFmpeg's RTP depacketizers hand it.
 */
class VideoConverterTest {
    @TempDir
    Path dir;

    @Test
    void h264ParameterSetsInBandGiveTheTrackAndFramesBecomeLengthPrefixed() throws Exception {
        List<byte[]> units = accessUnits(encode("libx264", "h264"), 5);
        VideoConverter c = new VideoConverter(0, VideoConverter.Kind.H264, stream("h264", new byte[0]));
        assertThat(c.track()).isNull();
        Frame first = c.convert(units.get(0), false);
        assertThat(first.keyframe()).isTrue();
        assertThat(c.takeChanged()).isTrue();
        assertThat(c.takeChanged()).isFalse();
        Track t = c.track();
        assertThat(t.codec()).isEqualTo(Codec.H264);
        assertThat(t.width()).isEqualTo(320);
        assertThat(t.height()).isEqualTo(240);
        assertThat(t.timescale()).isEqualTo(90_000);
        AvcDecoderConfig record = AvcDecoderConfig.parse(t.config());
        assertThat(record.nalLengthSize()).isEqualTo(4);
        assertThat(record.firstSps().width()).isEqualTo(320);
        // Every NAL unit of the access unit is there, length-prefixed, minus the delimiter.
        List<byte[]> in = AnnexB.split(units.get(0));
        in.removeIf(n -> (n[0] & 0x1F) == 9);
        assertThat(AnnexB.splitLengthPrefixed(first.data())).containsExactlyElementsOf(in);
        Frame second = c.convert(units.get(1), false);
        assertThat(second.keyframe()).isFalse();
        assertThat(c.takeChanged()).isFalse();
    }

    @Test
    void h265ParameterSetsFromTheSdpGiveAnHvcCRecord() throws Exception {
        List<byte[]> units = accessUnits(encode("libx265", "hevc"), 3);
        ByteArrayOutputStream sdp = new ByteArrayOutputStream();
        for (byte[] nal : AnnexB.split(units.get(0))) {
            int type = (nal[0] >>> 1) & 0x3F;
            if (type >= 32 && type <= 34) {
                sdp.writeBytes(new byte[] {0, 0, 0, 1});
                sdp.writeBytes(nal);
            }
        }
        VideoConverter c = new VideoConverter(0, VideoConverter.Kind.H265, stream("hevc", sdp.toByteArray()));
        Track t = c.track();
        assertThat(t).isNotNull();
        assertThat(t.codec()).isEqualTo(Codec.H265);
        assertThat(t.width()).isEqualTo(320);
        assertThat(t.height()).isEqualTo(240);
        HevcDecoderConfig record = HevcDecoderConfig.parse(t.config());
        assertThat(record.nalLengthSize()).isEqualTo(4);
        assertThat(record.profileIdc()).isEqualTo(1); // Main
        assertThat(record.vps()).hasSize(1);
        assertThat(record.firstSps().width()).isEqualTo(320);
        assertThat(c.convert(units.get(0), false).keyframe()).isTrue();
        assertThat(c.convert(units.get(1), false).keyframe()).isFalse();
    }

    private Path encode(String encoder, String format) {
        Path out = dir.resolve("video." + format);
        List<String> args = new ArrayList<>(List.of("-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-frames:v", "10", "-pix_fmt", "yuv420p", "-c:v", encoder, "-g", "30", "-bf", "0"));
        // Access unit delimiters mark where each access unit starts.
        args.addAll(encoder.equals("libx264") ? List.of("-x264-params", "aud=1")
                : List.of("-x265-params", "aud=1:log-level=error"));
        args.addAll(List.of("-f", format, "-y", out.toString()));
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), args);
        assertThat(r.exitCode()).as("ffmpeg:\n%s", r.output()).isZero();
        return out;
    }

    /** The first {@code count} access units of an Annex B file (split before each delimiter). */
    private static List<byte[]> accessUnits(Path file, int count) throws Exception {
        byte[] all = Files.readAllBytes(file);
        List<Integer> starts = new ArrayList<>();
        boolean hevc = file.toString().endsWith(".hevc");
        for (int i = 0; i + 4 < all.length; i++) {
            if (all[i] == 0 && all[i + 1] == 0 && all[i + 2] == 0 && all[i + 3] == 1) {
                int type = hevc ? (all[i + 4] >>> 1) & 0x3F : all[i + 4] & 0x1F;
                if (type == (hevc ? 35 : 9)) {
                    starts.add(i);
                }
            }
        }
        starts.add(all.length);
        List<byte[]> units = new ArrayList<>();
        for (int k = 0; k + 1 < starts.size() && units.size() < count; k++) {
            byte[] unit = new byte[starts.get(k + 1) - starts.get(k)];
            System.arraycopy(all, starts.get(k), unit, 0, unit.length);
            units.add(unit);
        }
        assertThat(units).as("access units of %s", file).hasSize(count);
        return units;
    }

    private static SourceStream stream(String codec, byte[] extradata) {
        return new SourceStream(0, codec, 1, 90_000, 0, 0, 0, 0, extradata);
    }
}
