package dev.kiln.push.internal.rtmp;

import dev.kiln.api.media.Payload;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/** A reference-counted payload over a direct buffer, counting its references for the tests. */
final class BytesPayload implements Payload {
  private final ByteBuffer bytes;
  private final AtomicInteger refs = new AtomicInteger(1);

  BytesPayload(byte[] data) {
    bytes = ByteBuffer.allocateDirect(data.length).put(data).flip();
  }

  @Override
  public int length() {
    return bytes.remaining();
  }

  @Override
  public ByteBuffer view() {
    if (refs.get() <= 0) {
      throw new IllegalStateException("payload used after release");
    }
    return bytes.asReadOnlyBuffer();
  }

  @Override
  public Payload retain() {
    if (refs.getAndIncrement() <= 0) {
      throw new IllegalStateException("retain after release");
    }
    return this;
  }

  @Override
  public boolean release() {
    int left = refs.decrementAndGet();
    if (left < 0) {
      throw new IllegalStateException("released more often than retained");
    }
    return left == 0;
  }

  @Override
  public int refCount() {
    return refs.get();
  }
}
