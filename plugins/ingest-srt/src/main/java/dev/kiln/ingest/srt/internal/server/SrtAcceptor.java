package dev.kiln.ingest.srt.internal.server;

import dev.kiln.ingest.srt.internal.protocol.Rejection;
import java.net.InetSocketAddress;

/** Decides about a caller's conclusion handshake, from its stream id. */
public interface SrtAcceptor {

  /** Thrown by {@link #accept} to refuse the caller with a reason code. */
  final class RejectedException extends Exception {
    private final transient Rejection rejection;

    public RejectedException(int code, String message) {
      super(message);
      this.rejection = Rejection.of(code, message);
    }

    public Rejection rejection() {
      return rejection;
    }
  }

  /**
   * Called on the event loop; must not block for long.
   *
   * @param connection the connection being set up: {@link SrtConnection#close(String)} ends it
   *     from any thread once accepted
   * @return the listener of the accepted stream
   * @throws RejectedException to refuse the caller
   */
  SrtStreamListener accept(String streamId, InetSocketAddress peer, SrtConnection connection)
      throws RejectedException;
}
