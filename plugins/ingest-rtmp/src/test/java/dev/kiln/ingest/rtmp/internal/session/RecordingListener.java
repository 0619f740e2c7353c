package dev.kiln.ingest.rtmp.internal.session;

import dev.kiln.rtmp.protocol.flv.AudioTag;
import dev.kiln.rtmp.protocol.flv.AudioTagParser;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import dev.kiln.rtmp.protocol.flv.TagKind;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import dev.kiln.rtmp.protocol.flv.VideoTag;
import dev.kiln.rtmp.protocol.flv.VideoTagParser;
import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A {@link PublishListener} for tests: records every call, parses tag bodies as the kernel
 * would, and releases every buffer.
 */
public final class RecordingListener implements PublishListener {
  /** The arguments of onPublish. */
  public record Publish(String app, String streamName, String query, String tcUrl,
      SocketAddress remote) {}

  /** What a video tag carried (buffers are not kept). */
  public record Video(VideoCodec codec, TagKind kind, boolean keyframe, long dts, long pts,
      byte[] config, int payloadBytes, boolean enhanced) {}

  /** What an audio tag carried. */
  public record Audio(TagKind kind, long timestamp, byte[] config, int payloadBytes) {}

  public final CompletableFuture<Publish> published = new CompletableFuture<>();
  public final CompletableFuture<String> unpublished = new CompletableFuture<>();
  public final CompletableFuture<Void> firstVideo = new CompletableFuture<>();
  public final List<String> unpublishReasons = new CopyOnWriteArrayList<>();
  public final List<Map<String, Object>> metadata = new CopyOnWriteArrayList<>();
  public final List<Video> video = new CopyOnWriteArrayList<>();
  public final List<Audio> audio = new CopyOnWriteArrayList<>();
  public final List<String> parseErrors = new CopyOnWriteArrayList<>();
  public final List<String> threads = new CopyOnWriteArrayList<>();
  public volatile RtmpSession session;

  private final Supplier<PublishDecision> decision;
  private volatile RuntimeException failOnVideo;

  public RecordingListener(Supplier<PublishDecision> decision) {
    this.decision = decision;
  }

  public RecordingListener() {
    this(PublishDecision::accept);
  }

  /** Makes the next onVideo throw (after releasing its buffer). */
  public void failOnVideo(RuntimeException e) {
    failOnVideo = e;
  }

  @Override
  public PublishDecision onPublish(String app, String streamName, String query, String tcUrl,
      SocketAddress remote) {
    threads.add(Thread.currentThread().getName());
    published.complete(new Publish(app, streamName, query, tcUrl, remote));
    return decision.get();
  }

  @Override
  public void onMetaData(Map<String, Object> metadata) {
    this.metadata.add(metadata);
  }

  @Override
  public void onVideo(long timestampMs, ByteBuf flvTagBody) {
    try {
      VideoTag tag = VideoTagParser.parse(timestampMs, flvTagBody);
      video.add(new Video(tag.codec(), tag.kind(), tag.keyframe(), tag.dtsMs(), tag.ptsMs(),
          tag.config(), tag.payload() == null ? 0 : tag.payload().readableBytes(),
          (flvTagBody.getByte(flvTagBody.readerIndex()) & 0x80) != 0));
      if (tag.kind() == TagKind.FRAME) {
        firstVideo.complete(null);
      }
    } catch (FlvParseException e) {
      parseErrors.add("video at " + timestampMs + ": " + e.getMessage());
    } finally {
      flvTagBody.release();
    }
    RuntimeException failure = failOnVideo;
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void onAudio(long timestampMs, ByteBuf flvTagBody) {
    try {
      AudioTag tag = AudioTagParser.parse(timestampMs, flvTagBody);
      audio.add(new Audio(tag.kind(), tag.timestampMs(), tag.config(),
          tag.payload() == null ? 0 : tag.payload().readableBytes()));
    } catch (FlvParseException e) {
      parseErrors.add("audio at " + timestampMs + ": " + e.getMessage());
    } finally {
      flvTagBody.release();
    }
  }

  @Override
  public void onUnpublish(String reason) {
    unpublishReasons.add(reason);
    unpublished.complete(reason);
  }

  /** A factory that hands out this one listener and remembers the session. */
  public PublishListenerFactory factory() {
    return s -> {
      session = s;
      return this;
    };
  }

  public List<Video> frames() {
    return video.stream().filter(v -> v.kind() == TagKind.FRAME).toList();
  }

  public List<Video> configs() {
    return video.stream().filter(v -> v.kind() == TagKind.CONFIG).toList();
  }

  public List<Audio> audioConfigs() {
    return audio.stream().filter(a -> a.kind() == TagKind.CONFIG).toList();
  }
}
