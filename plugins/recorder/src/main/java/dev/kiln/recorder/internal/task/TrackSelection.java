package dev.kiln.recorder.internal.task;

import dev.kiln.api.media.Track;
import java.util.ArrayList;
import java.util.List;

/** Picks the tracks a task records from a stream's tracks, by variant name and/or track id. */
final class TrackSelection {
    private TrackSelection() {
    }

    /**
     * The selected tracks, in the stream's order.
     *
     * @throws IllegalArgumentException naming the field and the unknown value
     */
    static List<Track> select(List<Track> tracks, List<String> variantNames, List<Integer> trackIds) {
        for (String v : variantNames) {
            if (tracks.stream().noneMatch(t -> t.name().equals(v))) {
                throw new IllegalArgumentException("[stream.variantNames] the stream has no variant \"" + v
                        + "\" (it has " + tracks.stream().map(Track::name).toList() + ")");
            }
        }
        for (Integer id : trackIds) {
            if (tracks.stream().noneMatch(t -> t.id() == id)) {
                throw new IllegalArgumentException("[stream.trackIds] the stream has no track " + id
                        + " (it has " + tracks.stream().map(Track::id).toList() + ")");
            }
        }
        List<Track> out = new ArrayList<>();
        for (Track t : tracks) {
            boolean all = variantNames.isEmpty() && trackIds.isEmpty();
            if (all || variantNames.contains(t.name()) || trackIds.contains(t.id())) {
                out.add(t);
            }
        }
        return out;
    }
}
