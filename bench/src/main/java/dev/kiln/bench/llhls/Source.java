package dev.kiln.bench.llhls;

import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one live stream of a run: the bundled ffmpeg encoding a 1280x720 30 fps test pattern
 * and a sine tone at real-time pace (x264 capped at {@code videoBitrate}, a key frame every
 * second, AAC 128 kbit/s: about 3 Mbit/s in all), either published to Kiln over RTMP or written
 * as fMP4 HLS into a folder (1 s segments, program date-times, atomic playlist replacement)
 * for nginx to serve.
 */
final class Source {
    private Source() {
    }

    static Process rtmp(String url, String videoBitrate, Path log) {
        List<String> args = encode(videoBitrate);
        args.addAll(List.of("-f", "flv", url));
        return FfmpegTool.startFfmpeg(log, args);
    }

    static Process hls(Path dir, String videoBitrate, Path log) {
        List<String> args = encode(videoBitrate);
        args.addAll(List.of("-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_list_size", "10",
                "-hls_flags", "delete_segments+program_date_time+independent_segments+temp_file",
                "-hls_fmp4_init_filename", "init.mp4",
                "-hls_segment_filename", dir.resolve("seg%06d.m4s").toString(),
                dir.resolve("index.m3u8").toString()));
        return FfmpegTool.startFfmpeg(log, args);
    }

    private static List<String> encode(String videoBitrate) {
        return new ArrayList<>(List.of("-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-b:v", videoBitrate, "-minrate", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate,
                "-x264-params", "nal-hrd=cbr",
                "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
                "-c:a", "aac", "-ac", "2", "-b:a", "128k"));
    }
}
