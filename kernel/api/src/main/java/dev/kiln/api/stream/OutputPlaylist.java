package dev.kiln.api.stream;

import java.util.List;

/**
 * A multivariant playlist an output profile declares for its output stream: the renditions
 * (variants) it lists, each naming output tracks by their encode name ({@code Track.name()}).
 *
 * @param name       display name
 * @param fileName   file name without {@code .m3u8}, a plain name (letters, digits, '_', '-')
 * @param renditions the variants, in order
 */
public record OutputPlaylist(String name, String fileName, List<Rendition> renditions) {

    public OutputPlaylist {
        name = name == null ? "" : name;
        fileName = fileName == null ? "" : fileName;
        renditions = List.copyOf(renditions);
    }

    /**
     * One variant: a video track, an audio track, or both, by encode name.
     *
     * @param name  display name
     * @param video encode name of the video track; empty: audio only
     * @param audio encode name of the audio track; empty: video only
     */
    public record Rendition(String name, String video, String audio) {
        public Rendition {
            name = name == null ? "" : name;
            video = video == null ? "" : video;
            audio = audio == null ? "" : audio;
        }
    }
}
