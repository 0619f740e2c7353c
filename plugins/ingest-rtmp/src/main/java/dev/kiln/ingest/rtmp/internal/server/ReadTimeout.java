package dev.kiln.ingest.rtmp.internal.server;

import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import io.netty.channel.Channel;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that receives nothing for the read timeout, the handshake included.
 *
 * <p>A handler in the pipeline would stamp the time of every read. Instead, a task on the
 * connection's event loop looks at the session's byte count {@link #CHECKS} times per timeout,
 * so a read costs nothing extra. A connection that goes silent is closed between one and one
 * and a quarter timeouts after its last byte. The close goes through the pipeline as a
 * {@link ReadTimeoutException}, which the session logs and turns into the end of its publish.
 */
final class ReadTimeout implements Runnable {
  /** How many times per timeout the byte count is looked at. */
  static final int CHECKS = 4;

  private final Channel channel;
  private final RtmpSession session;
  private long lastCount;
  private int quietChecks;

  private ReadTimeout(Channel channel, RtmpSession session) {
    this.channel = channel;
    this.session = session;
    this.lastCount = session.bytesReceived();
  }

  /** Starts watching a registered channel; the watch ends when the channel closes. */
  static void watch(Channel channel, RtmpSession session, int timeoutSeconds) {
    long periodMillis = TimeUnit.SECONDS.toMillis(timeoutSeconds) / CHECKS;
    ReadTimeout check = new ReadTimeout(channel, session);
    ScheduledFuture<?> task = channel.eventLoop()
        .scheduleAtFixedRate(check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> task.cancel(false));
  }

  @Override
  public void run() {
    if (!channel.isOpen()) {
      return;
    }
    long count = session.bytesReceived();
    if (count != lastCount) {
      lastCount = count;
      quietChecks = 0;
      return;
    }
    if (++quietChecks >= CHECKS) {
      channel.pipeline().fireExceptionCaught(ReadTimeoutException.INSTANCE);
      channel.close();
    }
  }
}
