package dev.kiln.bench.transcode;

import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The baseline: the bundled ffmpeg doing a whole ladder in one process, as Kiln's codec
 * bundle does it: one decode, {@code split}, a bilinear {@code scale} per rung, libx264 with
 * the settings Kiln gives it (preset, CBR with a one-second VBV buffer, no B-frames, no
 * scene-cut key frames, a key frame every 60 frames, threads left to the encoder) and one AAC
 * encode; the output is thrown away ({@code -f null}). It reads the source at its own pace
 * ({@code -readrate}, 1 = {@code -re}), like Kiln receives it over RTMP.
 */
final class FfmpegLadder implements AutoCloseable {
    private final Process process;
    private final Path progress;

    private FfmpegLadder(Process process, Path progress) {
        this.process = process;
        this.progress = progress;
    }

    static FfmpegLadder start(Path work, Path source, List<Rung> ladder, String preset, double readrate)
            throws IOException {
        Path progress = work.resolve("ffmpeg-ladder.progress");
        Path log = work.resolve("ffmpeg-ladder.log");
        StringBuilder graph = new StringBuilder("[0:v]split=" + ladder.size());
        for (int i = 0; i < ladder.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < ladder.size(); i++) {
            Rung r = ladder.get(i);
            graph.append(";[s").append(i).append("]scale=").append(r.width()).append(':').append(r.height())
                    .append(":flags=bilinear[o").append(i).append(']');
        }
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostats", "-progress", progress.toString(),
                "-readrate", String.valueOf(readrate), "-i", source.toString(), "-filter_complex", graph.toString()));
        for (int i = 0; i < ladder.size(); i++) {
            args.addAll(List.of("-map", "[o" + i + "]"));
        }
        args.addAll(List.of("-map", "0:a", "-c:v", "libx264", "-preset", preset, "-bf", "0", "-g", "60",
                "-x264-params", "scenecut=0"));
        for (int i = 0; i < ladder.size(); i++) {
            String b = String.valueOf(ladder.get(i).bitrate());
            args.addAll(List.of("-b:v:" + i, b, "-maxrate:v:" + i, b, "-bufsize:v:" + i, b));
        }
        args.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-f", "null", "-"));
        Files.deleteIfExists(progress);
        return new FfmpegLadder(FfmpegTool.startFfmpeg(log, args), progress);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Frames of the first video output so far (the last complete {@code -progress} block), 0 before. */
    long frames() throws IOException {
        if (!Files.exists(progress)) {
            return 0;
        }
        Map<String, String> last = new TreeMap<>();
        Map<String, String> block = new TreeMap<>();
        for (String line : Files.readAllLines(progress)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                block.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                if (line.startsWith("progress=")) {
                    last = block;
                    block = new TreeMap<>();
                }
            }
        }
        return Long.parseLong(last.getOrDefault("frame", "0"));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
