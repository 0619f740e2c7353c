package dev.kiln.bench.transcode;

import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Video frames of each stream of a recorded file, counted with ffprobe (packets), and the
 * media time they span. Over the wall-clock time that span took to arrive, the count is the
 * rate a transcoder sustained: GOPs it dropped when it fell behind are simply not there.
 */
final class OutputFrames {
    private OutputFrames() {}

    /** By stream index: {frames, seconds from the first to the last}; empty when the file has no video. */
    static Map<Integer, double[]> count(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(120), List.of("-v", "error",
                "-select_streams", "v", "-show_entries", "packet=stream_index,pts_time", "-of", "csv=p=0",
                file.toString()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("ffprobe cannot read " + file + ":\n" + r.output());
        }
        Map<Integer, double[]> acc = new TreeMap<>(); // count, min, max
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length < 2 || f[1].equals("N/A")) {
                continue;
            }
            int stream;
            double t;
            try {
                stream = Integer.parseInt(f[0]);
                t = Double.parseDouble(f[1]);
            } catch (NumberFormatException e) {
                continue;
            }
            double[] a = acc.computeIfAbsent(stream, k -> new double[] {0, Double.MAX_VALUE, -Double.MAX_VALUE});
            a[0]++;
            a[1] = Math.min(a[1], t);
            a[2] = Math.max(a[2], t);
        }
        Map<Integer, double[]> out = new TreeMap<>();
        acc.forEach((k, a) -> out.put(k, new double[] {a[0], Math.max(0, a[2] - a[1])}));
        return out;
    }
}
