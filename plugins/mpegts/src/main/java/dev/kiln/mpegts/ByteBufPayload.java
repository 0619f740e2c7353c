package dev.kiln.mpegts;

import dev.kiln.api.media.Payload;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/** A {@link Payload} over a Netty buffer; takes over one reference of it, counts are the buffer's. */
final class ByteBufPayload implements Payload {
  private final ByteBuf buf;

  ByteBufPayload(ByteBuf buf) {
    this.buf = buf;
  }

  @Override
  public int length() {
    return buf.readableBytes();
  }

  @Override
  public ByteBuffer view() {
    return buf.nioBuffer().asReadOnlyBuffer();
  }

  @Override
  public Payload retain() {
    buf.retain();
    return this;
  }

  @Override
  public boolean release() {
    return buf.release();
  }

  @Override
  public int refCount() {
    return buf.refCnt();
  }

  @Override
  public String toString() {
    return "ByteBufPayload[" + buf.readableBytes() + " bytes, refCnt " + buf.refCnt() + "]";
  }
}
