package dev.kiln.ingest.rtmp.internal.session;

import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.util.Map;

/**
 * What one RTMP connection tells the rest of Kiln about its publish: the seam between this
 * bundle's wire code and the kernel.
 *
 * <p>One listener per connection, made by the {@link PublishListenerFactory} the server was
 * given when the connection first asks to publish. Every call comes on the connection's Netty
 * event loop, in order; a listener must not block. A listener that throws closes its
 * connection (logged as a WARN); nothing else is affected.
 */
public interface PublishListener {
  /**
   * Called on publish. Return {@link PublishDecision#accept()} or
   * {@link PublishDecision#reject(String, String)}.
   *
   * @param app the application from connect's {@code app}, query string removed
   * @param streamName the stream name from publish, query string removed
   * @param query what followed {@code ?} in the stream name (without the {@code ?}), or an
   *     empty string
   * @param tcUrl connect's {@code tcUrl}, as sent (may be empty)
   * @param remote the publisher's address
   */
  PublishDecision onPublish(String app, String streamName, String query, String tcUrl,
      SocketAddress remote);

  /** The stream's {@code onMetaData} (from {@code @setDataFrame} or a bare {@code onMetaData}). */
  void onMetaData(Map<String, Object> metadata);

  /**
   * FLV video tag body (frame type/codec id byte first); the listener owns one reference and
   * must release it, also when it throws.
   */
  void onVideo(long timestampMs, ByteBuf flvTagBody);

  /** FLV audio tag body (sound format byte first); ownership as for {@link #onVideo}. */
  void onAudio(long timestampMs, ByteBuf flvTagBody);

  /**
   * The publisher stopped (unpublish, deleteStream, disconnect or error); called once, and only
   * after an accepted publish.
   */
  void onUnpublish(String reason);
}
