package dev.kiln.rtmp.protocol.message;

import dev.kiln.rtmp.protocol.amf.Amf0;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command messages a publishing client sends, in the order it sends them: {@code connect},
 * {@code releaseStream}, {@code FCPublish}, {@code createStream}, {@code publish}, then
 * {@code @setDataFrame} with the stream's metadata, and at the end {@code FCUnpublish} and
 * {@code deleteStream}. These are the forms nginx-rtmp, YouTube, Twitch, ffmpeg's listener and
 * Kiln's ingest accept (the ones OBS and ffmpeg send).
 */
public final class ClientCommands {
  /** The flashVer a publisher announces; servers only log it. */
  public static final String FLASH_VERSION = "FMLE/3.0 (compatible; Kiln)";
  /** Chunk stream for commands on a media stream ({@code publish}, {@code deleteStream}'s peer). */
  public static final int STREAM_COMMAND_CHUNK_STREAM = 8;

  private ClientCommands() {}

  /**
   * {@code connect(app, tcUrl)} on the connection's stream.
   *
   * @param fourCcList Enhanced RTMP codecs the client announces (e.g. {@code hvc1}); empty for
   *     none, and then the property is left out
   */
  public static RtmpMessage connect(ByteBufAllocator alloc, double transactionId, String app,
      String tcUrl, List<String> fourCcList) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("app", app);
    properties.put("type", "nonprivate");
    properties.put("flashVer", FLASH_VERSION);
    properties.put("tcUrl", tcUrl);
    if (!fourCcList.isEmpty()) {
      properties.put("fourCcList", List.copyOf(fourCcList));
    }
    return CommandCodec.command(alloc, 0, "connect", transactionId, properties);
  }

  /** {@code releaseStream(name)}: asks the server to drop a stale publisher of that name. */
  public static RtmpMessage releaseStream(ByteBufAllocator alloc, double transactionId,
      String streamName) {
    return CommandCodec.command(alloc, 0, "releaseStream", transactionId, null, streamName);
  }

  /** {@code FCPublish(name)}. */
  public static RtmpMessage fcPublish(ByteBufAllocator alloc, double transactionId,
      String streamName) {
    return CommandCodec.command(alloc, 0, "FCPublish", transactionId, null, streamName);
  }

  /** {@code createStream()}: the {@code _result} carries the new message stream id. */
  public static RtmpMessage createStream(ByteBufAllocator alloc, double transactionId) {
    return CommandCodec.command(alloc, 0, "createStream", transactionId, (Object) null);
  }

  /** {@code publish(name, type)} on the created stream, e.g. type {@code "live"}. */
  public static RtmpMessage publish(ByteBufAllocator alloc, long streamId, double transactionId,
      String streamName, String publishType) {
    return onStreamChunk(CommandCodec.command(
        alloc, streamId, "publish", transactionId, null, streamName, publishType));
  }

  /** {@code FCUnpublish(name)}. */
  public static RtmpMessage fcUnpublish(ByteBufAllocator alloc, double transactionId,
      String streamName) {
    return CommandCodec.command(alloc, 0, "FCUnpublish", transactionId, null, streamName);
  }

  /** {@code deleteStream(id)} on the connection's stream. */
  public static RtmpMessage deleteStream(ByteBufAllocator alloc, double transactionId,
      long streamId) {
    return CommandCodec.command(alloc, 0, "deleteStream", transactionId, null, (double) streamId);
  }

  /**
   * {@code @setDataFrame("onMetaData", metadata)} on the publishing stream: the metadata a
   * server keeps and hands to its players (width, height, codec ids, ...).
   */
  public static RtmpMessage setDataFrame(ByteBufAllocator alloc, long streamId,
      Map<String, ?> metadata) {
    return CommandCodec.data(alloc, streamId, 0, "@setDataFrame", "onMetaData",
        new Amf0.EcmaArray(metadata));
  }

  private static RtmpMessage onStreamChunk(RtmpMessage message) {
    return new RtmpMessage(STREAM_COMMAND_CHUNK_STREAM, message.typeId(), message.streamId(),
        message.timestamp(), message.content());
  }
}
