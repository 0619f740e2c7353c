package dev.kiln.api.publish;

import dev.kiln.api.media.StreamKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A request to write an output stream's HLS playlists and segments to a folder, as the
 * stream API's startHlsDump gives it, with paths already resolved and checked by the kernel.
 *
 * @param output     the output stream
 * @param id         the dump's id (unique per output stream while it runs)
 * @param outputPath the folder to write to (created when missing)
 * @param playlists  multivariant playlist file names to write, e.g. {@code llhls.m3u8}
 * @param infoFile   the info XML file to keep up to date, when asked for (does not exist yet)
 * @param userData   free text written into the info file
 */
public record HlsDumpRequest(StreamKey output, String id, Path outputPath, List<String> playlists,
                             Optional<Path> infoFile, String userData) {
    public HlsDumpRequest {
        if (output == null || id == null || id.isEmpty() || outputPath == null) {
            throw new IllegalArgumentException("output, id and outputPath are required");
        }
        playlists = List.copyOf(playlists == null ? List.of() : playlists);
        infoFile = infoFile == null ? Optional.empty() : infoFile;
        userData = userData == null ? "" : userData;
    }
}
