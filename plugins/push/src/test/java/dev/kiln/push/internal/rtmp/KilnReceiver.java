package dev.kiln.push.internal.rtmp;

import dev.kiln.ingest.rtmp.internal.server.RtmpServer;
import dev.kiln.ingest.rtmp.internal.session.PublishDecision;
import dev.kiln.ingest.rtmp.internal.session.PublishListener;
import dev.kiln.rtmp.protocol.flv.AudioTag;
import dev.kiln.rtmp.protocol.flv.AudioTagParser;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import dev.kiln.rtmp.protocol.flv.TagKind;
import dev.kiln.rtmp.protocol.flv.VideoTag;
import dev.kiln.rtmp.protocol.flv.VideoTagParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kiln's own RTMP ingest server, in process, as the receiving end: it records what one publish
 * delivered (names, metadata, parsed video and audio tags) or refuses it with a status.
 */
final class KilnReceiver implements AutoCloseable {
  final RtmpServer server;
  volatile String app;
  volatile String streamName;
  volatile String query;
  volatile Map<String, Object> metadata;
  final List<VideoTag> video = new CopyOnWriteArrayList<>();
  final List<AudioTag> audio = new CopyOnWriteArrayList<>();
  final CompletableFuture<String> unpublished = new CompletableFuture<>();

  /** @param refusal a status code to refuse every publish with, or null to accept */
  KilnReceiver(EventLoopGroup group, String refusal, String description) throws IOException {
    server = new RtmpServer(group, group, NioServerSocketChannel.class, "127.0.0.1", 0,
        session -> new Recorder(refusal, description));
    server.start();
  }

  int port() {
    return server.localAddress().getPort();
  }

  String url(String app) {
    return "rtmp://127.0.0.1:" + port() + "/" + app;
  }

  @Override
  public void close() {
    server.close();
  }

  private final class Recorder implements PublishListener {
    private final String refusal;
    private final String description;

    Recorder(String refusal, String description) {
      this.refusal = refusal;
      this.description = description;
    }

    @Override
    public PublishDecision onPublish(String app, String streamName, String query, String tcUrl,
        SocketAddress remote) {
      KilnReceiver.this.app = app;
      KilnReceiver.this.streamName = streamName;
      KilnReceiver.this.query = query;
      return refusal == null ? PublishDecision.accept()
          : PublishDecision.reject(refusal, description);
    }

    @Override
    public void onMetaData(Map<String, Object> metadata) {
      KilnReceiver.this.metadata = metadata;
    }

    @Override
    public void onVideo(long timestampMs, ByteBuf body) {
      try {
        VideoTag tag = VideoTagParser.parse(timestampMs, body);
        // Keep the fields only: the payload slice dies with the body.
        video.add(new VideoTag(tag.codec(), tag.kind(), tag.keyframe(), tag.dtsMs(), tag.ptsMs(),
            tag.config(), null));
      } catch (FlvParseException e) {
        throw new IllegalStateException(e);
      } finally {
        body.release();
      }
    }

    @Override
    public void onAudio(long timestampMs, ByteBuf body) {
      try {
        AudioTag tag = AudioTagParser.parse(timestampMs, body);
        audio.add(new AudioTag(tag.codec(), tag.kind(), tag.timestampMs(), tag.flvSampleRate(),
            tag.flvChannels(), tag.config(), null));
      } catch (FlvParseException e) {
        throw new IllegalStateException(e);
      } finally {
        body.release();
      }
    }

    @Override
    public void onUnpublish(String reason) {
      unpublished.complete(reason);
    }
  }

  long frames(List<? extends Object> tags) {
    return tags.stream().filter(t -> t instanceof VideoTag v ? v.kind() == TagKind.FRAME
        : ((AudioTag) t).kind() == TagKind.FRAME).count();
  }
}
