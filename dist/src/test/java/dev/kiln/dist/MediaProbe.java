package dev.kiln.dist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bundled ffprobe reads from a media file: the container's start time and duration
 * and the codec type and name of each stream.
 *
 * @param startTime seconds, the first presentation time
 * @param duration  seconds
 * @param types     "video" / "audio" per stream, in file order
 * @param codecs    FFmpeg's codec name per stream ("h264", "aac", "opus", …), in file order
 */
record MediaProbe(Path file, double startTime, double duration, List<String> types, List<String> codecs) {

    /** Runs ffprobe; fails with its output when it cannot read the file. */
    static MediaProbe of(Path file) {
        return probe(file, file.toString());
    }

    /** Runs ffprobe on a URL (an HLS playlist over HTTP, …); {@link #file()} is the URL's text. */
    static MediaProbe ofUrl(String url) {
        return probe(Path.of(url.replaceAll("[^A-Za-z0-9._-]", "_")), url);
    }

    private static MediaProbe probe(Path file, String input) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(60), List.of("-v", "error",
                "-show_entries", "format=start_time,duration:stream=codec_type,codec_name", "-of", "json", input));
        if (r.exitCode() != 0) {
            throw new AssertionError("ffprobe cannot read " + file + ":\n" + r.output());
        }
        JsonNode json;
        try {
            json = KilnApi.JSON.readTree(r.output().substring(r.output().indexOf('{')));
        } catch (Exception e) {
            throw new AssertionError("ffprobe output of " + file + " is not JSON:\n" + r.output(), e);
        }
        List<String> types = new ArrayList<>();
        List<String> codecs = new ArrayList<>();
        json.path("streams").forEach(s -> {
            types.add(s.path("codec_type").asText());
            codecs.add(s.path("codec_name").asText());
        });
        JsonNode format = json.path("format");
        return new MediaProbe(file, format.path("start_time").asDouble(Double.NaN),
                format.path("duration").asDouble(Double.NaN), types, codecs);
    }

    double end() {
        return startTime + duration;
    }
}
