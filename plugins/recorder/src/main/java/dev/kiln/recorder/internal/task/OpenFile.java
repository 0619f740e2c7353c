package dev.kiln.recorder.internal.task;

import dev.kiln.api.media.Track;
import dev.kiln.recorder.internal.mux.ContainerWriter;
import dev.kiln.recorder.internal.naming.MacroValues;
import dev.kiln.recorder.internal.schedule.SplitPolicy;
import java.nio.file.Path;
import java.util.List;

/**
 * The file a task is writing: its temporary path, the macro values its final name is made
 * of, the tracks it was opened with and the media time it covers (milliseconds).
 */
final class OpenFile {
    final ContainerWriter writer;
    final Path temp;
    final Path provisional;
    final Path info;
    final MacroValues values;
    final List<Track> tracks;
    final SplitPolicy.Mark mark;
    /** Subtracted (in ms) from every timestamp written. */
    final long baseMillis;
    final long firstMillis;
    long lastMillis;

    OpenFile(ContainerWriter writer, Path temp, Path provisional, Path info, MacroValues values, List<Track> tracks,
             SplitPolicy.Mark mark, long baseMillis, long firstMillis) {
        this.writer = writer;
        this.temp = temp;
        this.provisional = provisional;
        this.info = info;
        this.values = values;
        this.tracks = tracks;
        this.mark = mark;
        this.baseMillis = baseMillis;
        this.firstMillis = firstMillis;
        this.lastMillis = firstMillis;
    }

    long recordTime() {
        return Math.max(0, lastMillis - firstMillis);
    }

    int indexOf(int trackId) {
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).id() == trackId) {
                return i;
            }
        }
        return -1;
    }
}
