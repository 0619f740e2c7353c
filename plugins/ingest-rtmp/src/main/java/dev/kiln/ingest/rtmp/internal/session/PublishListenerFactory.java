package dev.kiln.ingest.rtmp.internal.session;

/** Makes the {@link PublishListener} of one connection. */
@FunctionalInterface
public interface PublishListenerFactory {
  /**
   * Called once per connection, when it first asks to publish.
   *
   * @param session the connection, e.g. to keep for {@link RtmpSession#close(String)}
   */
  PublishListener create(RtmpSession session);
}
