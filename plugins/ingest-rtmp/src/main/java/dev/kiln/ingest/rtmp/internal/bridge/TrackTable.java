package dev.kiln.ingest.rtmp.internal.bridge;

import dev.kiln.api.media.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides when an RTMP publish declares its tracks. Tracks are declared once every track the
 * publisher announced (in {@code onMetaData}; without one, video and audio are both expected)
 * has its sequence header, or when {@link #WAIT_NANOS} have passed since the first one came:
 * then with what is known. A later sequence header that changes a track re-declares the list.
 * Not thread-safe: one connection's event loop uses it.
 */
final class TrackTable {
  /** How long to wait for the other track's sequence header after the first one. */
  static final long WAIT_NANOS = 2_000_000_000L;

  private Track video;
  private Track audio;
  private boolean expectVideo = true;
  private boolean expectAudio = true;
  private long firstConfigNanos;
  private boolean waiting;
  private boolean changed;
  private List<Track> declared = List.of();

  /** Reads which tracks the publisher announces from its {@code onMetaData}. */
  void announce(Map<String, Object> metadata) {
    boolean video = metadata.containsKey("videocodecid");
    boolean audio = metadata.containsKey("audiocodecid");
    if (video || audio) {
      expectVideo = video;
      expectAudio = audio;
      changed = true;
    }
  }

  /** Records a track (by its id: {@link InputTracks#VIDEO_ID} or {@link InputTracks#AUDIO_ID}). */
  void put(Track track, long nowNanos) {
    if (track.id() == InputTracks.VIDEO_ID) {
      video = track;
    } else {
      audio = track;
    }
    if (!waiting && declared.isEmpty()) {
      waiting = true;
      firstConfigNanos = nowNanos;
    }
    changed = true;
  }

  /** The known track with this id, or null. */
  Track get(int trackId) {
    return trackId == InputTracks.VIDEO_ID ? video : audio;
  }

  /**
   * The track list to declare now, or null when there is nothing (new) to declare: not all
   * announced tracks are known and the wait is not over, or nothing changed since the last
   * declaration.
   */
  List<Track> toDeclare(long nowNanos) {
    boolean waitOver = waiting && nowNanos - firstConfigNanos >= WAIT_NANOS;
    if (!changed && !waitOver) {
      return null;
    }
    boolean complete = (video != null || !expectVideo) && (audio != null || !expectAudio);
    if (video == null && audio == null || !complete && !waitOver) {
      return null;
    }
    waiting = false;
    changed = false;
    List<Track> now = new ArrayList<>(2);
    if (video != null) {
      now.add(video);
    }
    if (audio != null) {
      now.add(audio);
    }
    if (now.equals(declared)) {
      return null;
    }
    declared = List.copyOf(now);
    return declared;
  }

  /** Whether {@link #toDeclare} may have something to declare (cheap; checked per packet). */
  boolean pending() {
    return changed || waiting;
  }

  /** Whether the last declaration holds this track id (packets of others are dropped). */
  boolean isDeclared(int trackId) {
    for (Track t : declared) {
      if (t.id() == trackId) {
        return true;
      }
    }
    return false;
  }
}
