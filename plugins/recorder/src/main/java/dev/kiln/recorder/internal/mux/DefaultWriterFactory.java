package dev.kiln.recorder.internal.mux;

import dev.kiln.api.media.Track;
import dev.kiln.recorder.internal.mux.ts.TsWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The server's writers: MPEG-TS files with {@link TsWriter} (Java, no FFmpeg) when it maps every
 * track (H.264, H.265, AAC, mono/stereo Opus), FFmpeg for MP4, MOV, AVI, FLV and for any other TS track list.
 * The system property {@code kiln.recorder.tsMuxer=ffmpeg} sends every TS file to FFmpeg (for
 * comparing the two, in benchmarks or when a player disagrees with a file).
 */
public final class DefaultWriterFactory implements WriterFactory {
    /** The system property that picks the TS muxer: {@code java} (default) or {@code ffmpeg}. */
    public static final String TS_MUXER_PROPERTY = "kiln.recorder.tsMuxer";

    private final boolean ffmpegForTs;

    public DefaultWriterFactory() {
        this("ffmpeg".equalsIgnoreCase(System.getProperty(TS_MUXER_PROPERTY, "java").trim()));
    }

    DefaultWriterFactory(boolean ffmpegForTs) {
        this.ffmpegForTs = ffmpegForTs;
    }

    @Override
    public ContainerWriter open(Path file, Container container, List<Track> tracks) {
        return switch (container) {
            case TS -> !ffmpegForTs && TsWriter.supports(tracks)
                    ? TsWriter.open(file, tracks) : FfmpegWriter.open(file, container, tracks);
            case MP4, MOV, AVI, FLV -> FfmpegWriter.open(file, container, tracks);
        };
    }
}
