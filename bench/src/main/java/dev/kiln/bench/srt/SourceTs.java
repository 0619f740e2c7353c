package dev.kiln.bench.srt;

import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The MPEG-TS every publisher loops, made once with the bundled ffmpeg: 1280x720 at 30 fps
 * (testsrc2), H.264 (x264 veryfast, capped at the given bitrate, key frame every 2 s) and AAC-LC
 * 128 kbit/s — the media of {@code rtmp-ingest}, in the container SRT callers send.
 */
final class SourceTs {
    private SourceTs() {
    }

    static Path ensure(Path file, int seconds, String videoBitrate) throws IOException {
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial.ts");
        List<String> args = List.of("-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-b:v", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate,
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "128k", "-ac", "2",
                "-f", "mpegts", partial.toString());
        FfmpegTool.Result result = FfmpegTool.runFfmpeg(Duration.ofMinutes(10), args);
        if (result.exitCode() != 0) {
            throw new IOException("ffmpeg could not make " + file + ":\n" + result.output());
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
