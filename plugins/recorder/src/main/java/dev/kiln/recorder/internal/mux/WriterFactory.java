package dev.kiln.recorder.internal.mux;

import dev.kiln.api.media.Track;
import java.nio.file.Path;
import java.util.List;

/** Opens output files; {@link DefaultWriterFactory} in the server, a fake in tests. */
@FunctionalInterface
public interface WriterFactory {
    /**
     * @throws MuxException when the file cannot be created
     */
    ContainerWriter open(Path file, Container container, List<Track> tracks);
}
