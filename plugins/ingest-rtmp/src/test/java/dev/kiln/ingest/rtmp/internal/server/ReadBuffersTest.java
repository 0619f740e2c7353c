package dev.kiln.ingest.rtmp.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReadBuffersTest {
  private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

  @Test
  void aReleasedReadIsUsedAgainByTheNextReadOnTheSameThread() {
    try (ReadBuffers buffers = new ReadBuffers()) {
      RecvByteBufAllocator.Handle first = handle(buffers);
      RecvByteBufAllocator.Handle second = handle(buffers); // another connection, same loop

      ByteBuf a = first.allocate(alloc);
      long address = a.memoryAddress();
      assertThat(a.writableBytes()).isEqualTo(ReadBuffers.SIZE);
      a.writeBytes(new byte[] {1, 2, 3});
      a.release();

      ByteBuf b = second.allocate(alloc);
      assertThat(b.memoryAddress()).as("the same memory").isEqualTo(address);
      assertThat(b.readableBytes()).as("an empty read, whatever the last one left").isZero();
      assertThat(b.writableBytes()).isEqualTo(ReadBuffers.SIZE);
      b.release();
    }
  }

  @Test
  void aReadStillHeldIsNeverHandedOutAgain() {
    try (ReadBuffers buffers = new ReadBuffers()) {
      RecvByteBufAllocator.Handle handle = handle(buffers);
      ByteBuf kept = handle.allocate(alloc); // e.g. a decoder waiting for the rest of a header
      kept.writeBytes(new byte[] {42, 43});

      ByteBuf next = handle.allocate(alloc);
      assertThat(next.memoryAddress()).as("fresh memory while the first read is held")
          .isNotEqualTo(kept.memoryAddress());
      next.writeBytes(new byte[] {7, 7, 7});
      assertThat(kept.getByte(0)).as("the held bytes are untouched").isEqualTo((byte) 42);
      next.release();

      kept.release();
      ByteBuf again = handle.allocate(alloc);
      assertThat(again.memoryAddress()).as("shared again once released").isEqualTo(kept.memoryAddress());
      again.release();
    }
  }

  @Test
  void eachEventLoopThreadHasItsOwnBuffer() throws Exception {
    try (ReadBuffers buffers = new ReadBuffers()) {
      ByteBuf here = handle(buffers).allocate(alloc);
      long there = CompletableFuture.supplyAsync(() -> {
        ByteBuf b = handle(buffers).allocate(alloc);
        try {
          return b.memoryAddress();
        } finally {
          b.release();
        }
      }).get();
      assertThat(there).isNotEqualTo(here.memoryAddress());
      here.release();
    }
  }

  @Test
  void afterCloseReadsComeFromTheAllocatorAndAHeldReadStaysValid() {
    ReadBuffers buffers = new ReadBuffers();
    RecvByteBufAllocator.Handle handle = handle(buffers);
    ByteBuf held = handle.allocate(alloc).writeByte(9);
    buffers.close();
    assertThat(held.refCnt()).as("the shared memory lives until the held read is released").isPositive();
    assertThat(held.getByte(0)).isEqualTo((byte) 9);

    ByteBuf after = handle.allocate(alloc);
    assertThat(after.memoryAddress()).isNotEqualTo(held.memoryAddress());
    after.release();
    held.release();
    assertThat(held.refCnt()).isZero();
  }

  /** A connection's read handle, as the server gets it (its byte count is not looked at here). */
  private static RecvByteBufAllocator.Handle handle(ReadBuffers buffers) {
    return buffers.countingInto(bytes -> { }).newHandle();
  }
}
