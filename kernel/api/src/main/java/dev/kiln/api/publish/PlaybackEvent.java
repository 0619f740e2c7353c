package dev.kiln.api.publish;

import java.util.List;

/**
 * Timed metadata for a stream's playback outputs: ID3v2 frames inserted into the chosen
 * tracks (an {@code emsg} box in LL-HLS).
 */
public record PlaybackEvent(Target target, List<Id3Frame> frames) {
    /** Which tracks get the event. */
    public enum Target {
        /** Every track. */
        ALL,
        /** Video tracks only. */
        VIDEO,
        /** Audio tracks only. */
        AUDIO
    }

    public PlaybackEvent {
        if (target == null) {
            throw new IllegalArgumentException("target is required");
        }
        if (frames == null || frames.isEmpty()) {
            throw new IllegalArgumentException("at least one frame is required");
        }
        frames = List.copyOf(frames);
    }
}
