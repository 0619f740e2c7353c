package dev.kiln.push.internal.rtmp;

import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AudioCodec;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import java.util.Optional;

/**
 * How one track of a push goes out as FLV tags: its FLV codec, timescale and configuration.
 * Exactly one of {@code video} and {@code audio} is set.
 */
record OutTrack(Track track, VideoCodec video, AudioCodec audio) {

  boolean isVideo() {
    return video != null;
  }

  int id() {
    return track.id();
  }

  /** Converts a timestamp in the track's timescale to milliseconds (rounding down). */
  long toMillis(long value) {
    int timescale = track.timescale();
    return timescale == 1000 ? value : Math.floorDiv(Math.multiplyExact(value, 1000L), timescale);
  }

  /**
   * The FLV form of a track, or empty when RTMP cannot carry it (with the reason): H.264
   * (legacy FLV), H.265, AV1 and VP9 (Enhanced RTMP), AAC and Opus; each needs its codec
   * configuration.
   */
  static Optional<OutTrack> of(Track track, StringBuilder whyNot) {
    VideoCodec video = switch (track.codec()) {
      case H264 -> VideoCodec.AVC;
      case H265 -> VideoCodec.HEVC;
      case AV1 -> VideoCodec.AV1;
      case VP9 -> VideoCodec.VP9;
      default -> null;
    };
    AudioCodec audio = switch (track.codec()) {
      case AAC -> AudioCodec.AAC;
      case OPUS -> AudioCodec.OPUS;
      default -> null;
    };
    if (video == null && audio == null) {
      whyNot.append(track.codec().displayName()).append(" cannot be sent over RTMP");
      return Optional.empty();
    }
    if (track.config().length == 0) {
      whyNot.append(track.codec().displayName()).append(" track ").append(track.id())
          .append(" has no codec configuration to send");
      return Optional.empty();
    }
    return Optional.of(new OutTrack(track, video, audio));
  }
}
