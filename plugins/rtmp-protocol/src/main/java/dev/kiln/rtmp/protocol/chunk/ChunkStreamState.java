package dev.kiln.rtmp.protocol.chunk;

import io.netty.buffer.ByteBuf;

/** What the decoder remembers about one chunk stream between chunks. */
final class ChunkStreamState {
  /** Absolute timestamp of the current (or last) message. */
  long timestamp;
  /**
   * The timestamp value of the last type 0, 1 or 2 header: absolute after type 0, a delta
   * after types 1 and 2. A type 3 header that starts a new message adds it again.
   */
  long timestampField;
  /** Whether the last type 0, 1 or 2 header used the 4-byte extended timestamp. */
  boolean extended;
  int messageLength;
  int typeId;
  long streamId;

  /** Bytes of the message being reassembled, or null between messages. */
  ByteBuf partial;

  boolean inMessage() {
    return partial != null;
  }

  void dropPartial() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }
}
