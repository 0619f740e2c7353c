package dev.kiln.ingest.rtmp.internal.bridge;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.KilnException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.rtmp.protocol.flv.AudioTag;
import dev.kiln.rtmp.protocol.flv.AudioTagParser;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import dev.kiln.rtmp.protocol.flv.TagKind;
import dev.kiln.rtmp.protocol.flv.VideoTag;
import dev.kiln.rtmp.protocol.flv.VideoTagParser;
import dev.kiln.ingest.rtmp.internal.session.PublishDecision;
import dev.kiln.ingest.rtmp.internal.session.PublishListener;
import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP publish as a kernel input stream: opens it in the {@link StreamRegistry}, turns FLV
 * sequence headers into {@link Track}s and FLV frames into {@link MediaPacket}s (payloads are
 * slices of the received buffers, not copies), counts the connection's inbound bytes, and
 * closes the stream when the publish ends. A stream deleted through the API closes the
 * connection. All calls come on the connection's event loop.
 */
public final class StreamPublisher implements PublishListener {
  /** How the REST API shows the source of these streams. */
  public static final String SOURCE_TYPE = "Rtmp";

  private static final Logger LOG = LoggerFactory.getLogger(StreamPublisher.class);
  /** Inbound bytes are reported to the stream at least every this many bytes… */
  static final long COUNT_BYTES_EVERY = 32 * 1024;
  /** …or every this many milliseconds of media. */
  static final long COUNT_MILLIS_EVERY = 500;

  private final StreamRegistry registry;
  private final RtmpSession session;
  private final TrackTable tracks = new TrackTable();
  private StreamWriter writer;
  private long bytesCounted;
  private long countedAtMs;
  private boolean unsupportedVideoLogged;
  private boolean unsupportedAudioLogged;

  public StreamPublisher(StreamRegistry registry, RtmpSession session) {
    this.registry = registry;
    this.session = session;
  }

  @Override
  public PublishDecision onPublish(String app, String streamName, String query, String tcUrl,
      SocketAddress remote) {
    String vhost = registry.resolveVhost(TcUrls.host(tcUrl));
    StreamKey key = new StreamKey(vhost, app, streamName);
    PublishRequest request = new PublishRequest(key, SOURCE_TYPE, describe(remote),
        () -> session.close("disconnected by the server (stream deleted or input gone)"));
    try {
      writer = registry.publish(request);
    } catch (NotFoundException | ConflictException e) {
      // Unknown application, or a live publisher on that name (which keeps streaming).
      return PublishDecision.reject(PublishDecision.BAD_NAME, e.getMessage());
    } catch (KilnException e) {
      return PublishDecision.reject(PublishDecision.BAD_NAME, e.getMessage());
    }
    countBytes(true, 0);
    return PublishDecision.accept();
  }

  @Override
  public void onMetaData(Map<String, Object> metadata) {
    if (writer != null) {
      tracks.announce(metadata);
      declareTracks();
    }
  }

  @Override
  public void onVideo(long timestampMs, ByteBuf flvTagBody) {
    try {
      if (writer != null) {
        countBytes(false, timestampMs);
        video(VideoTagParser.parse(timestampMs, flvTagBody));
      }
    } catch (FlvParseException e) {
      session.fail("malformed video tag: " + e.getMessage());
    } finally {
      flvTagBody.release();
    }
  }

  @Override
  public void onAudio(long timestampMs, ByteBuf flvTagBody) {
    try {
      if (writer != null) {
        countBytes(false, timestampMs);
        audio(AudioTagParser.parse(timestampMs, flvTagBody));
      }
    } catch (FlvParseException e) {
      session.fail("malformed audio tag: " + e.getMessage());
    } finally {
      flvTagBody.release();
    }
  }

  @Override
  public void onUnpublish(String reason) {
    StreamWriter w = writer;
    if (w == null) {
      return;
    }
    countBytes(true, 0);
    writer = null;
    w.close();
  }

  private void video(VideoTag tag) throws FlvParseException {
    if (tag.kind() != TagKind.CONFIG && tag.kind() != TagKind.FRAME) {
      return;
    }
    Codec codec = InputTracks.codec(tag.codec());
    if (codec == null) {
      if (!unsupportedVideoLogged) {
        unsupportedVideoLogged = true;
        LOG.warn("RTMP {}: {} video is not supported; dropping it", session.remoteAddress(), tag.codec());
      }
      return;
    }
    if (tag.kind() == TagKind.CONFIG) {
      tracks.put(InputTracks.video(tag, codec), System.nanoTime());
      declareTracks();
    } else {
      write(InputTracks.VIDEO_ID, codec, tag.ptsMs(), tag.dtsMs(), tag.keyframe(), tag.payload());
    }
  }

  private void audio(AudioTag tag) throws FlvParseException {
    if (tag.kind() != TagKind.CONFIG && tag.kind() != TagKind.FRAME) {
      return;
    }
    Codec codec = InputTracks.codec(tag.codec());
    if (codec == null) {
      if (!unsupportedAudioLogged) {
        unsupportedAudioLogged = true;
        LOG.warn("RTMP {}: {} audio is not supported; dropping it", session.remoteAddress(), tag.codec());
      }
      return;
    }
    if (tag.kind() == TagKind.CONFIG) {
      tracks.put(InputTracks.audio(tag, codec), System.nanoTime());
      declareTracks();
      return;
    }
    if (codec == Codec.MP3 && tracks.get(InputTracks.AUDIO_ID) == null) {
      tracks.put(InputTracks.audioWithoutConfig(tag, codec), System.nanoTime());
    }
    write(InputTracks.AUDIO_ID, codec, tag.timestampMs(), tag.timestampMs(), true, tag.payload());
  }

  /** Hands a frame to the bus when its track is declared with that codec; else drops it. */
  private void write(int trackId, Codec codec, long pts, long dts, boolean keyframe, ByteBuf data) {
    if (tracks.pending()) {
      declareTracks();
    }
    Track track = tracks.get(trackId);
    if (writer == null || !tracks.isDeclared(trackId) || track.codec() != codec) {
      return;
    }
    writer.write(new MediaPacket(trackId, pts, dts, keyframe, new ByteBufPayload(data.retain())));
  }

  private void declareTracks() {
    List<Track> declared = tracks.toDeclare(System.nanoTime());
    if (declared != null && writer != null) {
      LOG.info("RTMP {}: stream {} tracks {}", session.remoteAddress(), writer.key(), declared);
      writer.setTracks(declared);
    }
  }

  /**
   * Reports the bytes received since the last report to the stream's counters: at once when
   * {@code now}, else once they reach {@link #COUNT_BYTES_EVERY} or the media has advanced
   * {@link #COUNT_MILLIS_EVERY} (one report per message would cost more than the counting).
   */
  private void countBytes(boolean now, long timestampMs) {
    long total = session.bytesReceived();
    long delta = total - bytesCounted;
    if (writer == null || delta <= 0) {
      return;
    }
    if (now || delta >= COUNT_BYTES_EVERY || timestampMs - countedAtMs >= COUNT_MILLIS_EVERY
        || timestampMs < countedAtMs) {
      writer.countBytesIn(delta);
      bytesCounted = total;
      countedAtMs = timestampMs;
    }
  }

  private static String describe(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(remote);
  }
}
