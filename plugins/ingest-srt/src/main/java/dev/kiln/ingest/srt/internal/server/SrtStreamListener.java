package dev.kiln.ingest.srt.internal.server;

import io.netty.buffer.ByteBuf;

/**
 * Receives one accepted connection's stream. All calls come on the listener's event loop, in
 * order; none may block.
 */
public interface SrtStreamListener {

  /** The next payload in sequence order (MPEG-TS bytes); the buffer is released after the call. */
  void onPayload(ByteBuf payload);

  /** The connection ended (peer shutdown, timeout, server close); the last call. */
  void onClose(String reason);
}
