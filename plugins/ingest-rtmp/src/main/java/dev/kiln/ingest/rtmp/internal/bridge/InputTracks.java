package dev.kiln.ingest.rtmp.internal.bridge;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AudioCodec;
import dev.kiln.rtmp.protocol.flv.AudioSpecificConfig;
import dev.kiln.rtmp.protocol.flv.AudioTag;
import dev.kiln.rtmp.protocol.flv.AvcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.AvcSps;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import dev.kiln.rtmp.protocol.flv.HevcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.HevcSps;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import dev.kiln.rtmp.protocol.flv.VideoTag;

/**
 * The kernel {@link Track}s of an RTMP publish, made from FLV sequence headers: track 0 is the
 * video, track 1 the audio, timestamps in milliseconds.
 */
final class InputTracks {
  static final int VIDEO_ID = 0;
  static final int AUDIO_ID = 1;
  static final int TIMESCALE = 1000;

  private static final int OPUS_SAMPLE_RATE = 48_000;
  private static final int OPUS_HEAD_CHANNELS = 9;

  private InputTracks() {}

  /** The kernel codec of an FLV video codec; {@code null} when Kiln does not carry it. */
  static Codec codec(VideoCodec codec) {
    return switch (codec) {
      case AVC -> Codec.H264;
      case HEVC -> Codec.H265;
      case AV1 -> Codec.AV1;
      case VP9 -> Codec.VP9;
      default -> null;
    };
  }

  /** The kernel codec of an FLV audio codec; {@code null} when Kiln does not carry it. */
  static Codec codec(AudioCodec codec) {
    return switch (codec) {
      case AAC -> Codec.AAC;
      case OPUS -> Codec.OPUS;
      case MP3 -> Codec.MP3;
      default -> null;
    };
  }

  /**
   * The video track a sequence header declares (size from the SPS for H.264 and H.265).
   *
   * @throws FlvParseException when the configuration record or its SPS is malformed
   */
  static Track video(VideoTag config, Codec codec) throws FlvParseException {
    int width = 0;
    int height = 0;
    if (codec == Codec.H264) {
      AvcSps sps = AvcDecoderConfig.parse(config.config()).firstSps();
      width = sps.width();
      height = sps.height();
    } else if (codec == Codec.H265) {
      HevcSps sps = HevcDecoderConfig.parse(config.config()).firstSps();
      width = sps.width();
      height = sps.height();
    }
    return Track.video(VIDEO_ID, codec, TIMESCALE, width, height, config.config());
  }

  /**
   * The audio track a sequence header declares (rate and channels from the AAC
   * AudioSpecificConfig or the Opus header).
   *
   * @throws FlvParseException when the AudioSpecificConfig is malformed
   */
  static Track audio(AudioTag config, Codec codec) throws FlvParseException {
    byte[] bytes = config.config();
    if (codec == Codec.AAC) {
      AudioSpecificConfig asc = AudioSpecificConfig.parse(bytes);
      return Track.audio(AUDIO_ID, codec, TIMESCALE, asc.sampleRate(), asc.channels(), bytes);
    }
    if (codec == Codec.OPUS) {
      int channels = bytes.length > OPUS_HEAD_CHANNELS ? bytes[OPUS_HEAD_CHANNELS] & 0xFF : 0;
      return Track.audio(AUDIO_ID, codec, TIMESCALE, OPUS_SAMPLE_RATE, channels, bytes);
    }
    return Track.audio(AUDIO_ID, codec, TIMESCALE, config.flvSampleRate(), config.flvChannels(),
        bytes);
  }

  /** The audio track of a codec without a sequence header (legacy MP3), from its first frame. */
  static Track audioWithoutConfig(AudioTag frame, Codec codec) {
    return Track.audio(AUDIO_ID, codec, TIMESCALE, frame.flvSampleRate(), frame.flvChannels(),
        null);
  }
}
