package dev.kiln.dist;

import dev.kiln.testkit.FfmpegTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test media whose video size changes in the middle, made by the bundled ffmpeg: a part at
 * one size followed by a part at another (testsrc2 at 30 fps, GOP 1 s, and a 48 kHz AAC
 * tone). Two ways a publisher changes its video:
 * <ul>
 *   <li>{@link #newSequenceHeader}: an FLV whose second part starts with its own AVC sequence
 *       header, as an RTMP encoder that is reconfigured sends it;</li>
 *   <li>{@link #inBandSps}: MPEG-TS parts joined back to back, where the new SPS only comes
 *       in band, ahead of the next key frame (the FLV remux keeps the first sequence header).</li>
 * </ul>
 */
final class SwitchingMedia {
    private SwitchingMedia() {}

    /** {@code dir/name.flv}: {@code seconds} at {@code first}, then {@code seconds} at {@code second}. */
    static Path newSequenceHeader(Path dir, String name, String first, String second, int seconds) {
        List<Tag> tags = new ArrayList<>(tags(part(dir, name + "-1", first, seconds, "flv")));
        long offset = tags.stream().mapToLong(Tag::timestamp).max().orElse(0) + 33;
        for (Tag t : tags(part(dir, name + "-2", second, seconds, "flv"))) {
            if (t.type() != 18) { // the second part's metadata would restate the first size
                tags.add(new Tag(t.type(), t.timestamp() + offset, t.body()));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0});
        for (Tag t : tags) {
            int n = t.body().length;
            long ts = t.timestamp();
            out.writeBytes(new byte[] {(byte) t.type(), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n,
                    (byte) (ts >>> 16), (byte) (ts >>> 8), (byte) ts, (byte) (ts >>> 24), 0, 0, 0});
            out.writeBytes(t.body());
            int size = n + 11;
            out.writeBytes(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
        }
        return write(dir.resolve(name + ".flv"), out.toByteArray());
    }

    /** {@code dir/name.ts}: two MPEG-TS parts concatenated, the second at {@code second}. */
    static Path inBandSps(Path dir, String name, String first, String second, int seconds) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(Files.readAllBytes(part(dir, name + "-1", first, seconds, "mpegts")));
            out.writeBytes(Files.readAllBytes(part(dir, name + "-2", second, seconds, "mpegts")));
            return write(dir.resolve(name + ".ts"), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path part(Path dir, String name, String size, int seconds, String format) {
        Path file = dir.resolve(name + "." + format);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(120), List.of("-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
                "-bf", "0", "-c:a", "aac", "-ac", "2", "-b:a", "128k", "-f", format, file.toString()));
        if (r.exitCode() != 0) {
            throw new AssertionError("ffmpeg could not make " + file + ":\n" + r.output());
        }
        return file;
    }

    private record Tag(int type, long timestamp, byte[] body) {}

    private static List<Tag> tags(Path flv) {
        try {
            byte[] d = Files.readAllBytes(flv);
            List<Tag> out = new ArrayList<>();
            int i = 13; // header (9) + first previous-tag-size (4)
            while (i + 11 <= d.length) {
                int size = (d[i + 1] & 0xff) << 16 | (d[i + 2] & 0xff) << 8 | (d[i + 3] & 0xff);
                long ts = (d[i + 4] & 0xffL) << 16 | (d[i + 5] & 0xff) << 8 | (d[i + 6] & 0xff) | (d[i + 7] & 0xffL) << 24;
                if (i + 11 + size > d.length) {
                    break;
                }
                byte[] body = java.util.Arrays.copyOfRange(d, i + 11, i + 11 + size);
                out.add(new Tag(d[i] & 0x1f, ts, body));
                i += 11 + size + 4;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
