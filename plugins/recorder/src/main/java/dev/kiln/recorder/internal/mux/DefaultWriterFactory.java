package dev.kiln.recorder.internal.mux;

import dev.kiln.api.media.Track;
import dev.kiln.recorder.internal.mux.ts.TsWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The server's writers: MPEG-TS files with {@link TsWriter} (Java, no FFmpeg) when it maps every
 * track (H.264, H.265, AAC, mono/stereo Opus), FFmpeg for MP4 and for any other TS track list.
 */
public final class DefaultWriterFactory implements WriterFactory {

    @Override
    public ContainerWriter open(Path file, Container container, List<Track> tracks) {
        return switch (container) {
            case TS -> TsWriter.supports(tracks) ? TsWriter.open(file, tracks) : FfmpegWriter.open(file, container, tracks);
            case MP4 -> FfmpegWriter.open(file, container, tracks);
        };
    }
}
