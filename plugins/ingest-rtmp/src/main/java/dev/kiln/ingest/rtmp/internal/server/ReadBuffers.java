package dev.kiln.ingest.rtmp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntConsumer;

/**
 * Where RTMP connections read into: one direct buffer per event loop thread, used again by
 * every read on that thread. The chunk decoder copies each message's payload out of a read
 * before the read returns, so a read buffer lives for one pass through the pipeline; taking a
 * fresh buffer from the allocator for each of them cost more than the read itself at hundreds
 * of publishers.
 *
 * <p>A read gets a duplicate of its thread's buffer only while nothing else holds that buffer
 * (its reference count is back to one: every earlier read was released). A handler that keeps a
 * read past its pass (the handshake or the chunk decoder waiting for the rest of a header
 * keeps the input it cannot decode yet) holds a reference, and the following reads on that
 * thread come from the allocator until it lets go. Everything happens on the connection's
 * event loop thread, so the check and the use cannot race.
 *
 * <p>Each connection gets its allocator from {@link #countingInto}, whose handle also reports
 * each read's size: counting where the socket is read costs nothing per read, where a counting
 * handler at the head of the pipeline costs a pass through it.
 */
final class ReadBuffers implements AutoCloseable {
  /** Bytes one read may take: more than a whole video frame of a typical stream. */
  static final int SIZE = 64 * 1024;
  /** Reads per wake-up of a connection before the event loop turns to the next one. */
  private static final int MAX_READS_PER_WAKEUP = 16;

  private final ConcurrentMap<Thread, ByteBuf> byThread = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * The allocator for one connection: its reads go into the shared buffers, and the size of
   * every read that got bytes goes to {@code received}, on the connection's event loop.
   */
  RecvByteBufAllocator countingInto(IntConsumer received) {
    return new ConnectionReads(received);
  }

  /** Lets go of the per-thread buffers (a read still in flight keeps its own until released). */
  @Override
  public void close() {
    closed = true;
    byThread.values().forEach(ByteBuf::release);
    byThread.clear();
  }

  private final class ConnectionReads extends DefaultMaxMessagesRecvByteBufAllocator {
    private final IntConsumer received;

    ConnectionReads(IntConsumer received) {
      super(MAX_READS_PER_WAKEUP);
      this.received = received;
    }

    @Override
    public RecvByteBufAllocator.Handle newHandle() {
      return new SharedBufferHandle();
    }

    private final class SharedBufferHandle extends MaxMessageHandle {
      private ByteBuf shared;

      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        if (shared == null && !closed) {
          Thread thread = Thread.currentThread();
          shared = byThread.computeIfAbsent(thread, t -> Unpooled.directBuffer(SIZE, SIZE));
          if (closed && byThread.remove(thread, shared)) {
            shared.release(); // added after close() let go of the others
          }
        }
        if (shared != null && shared.refCnt() == 1 && !closed) {
          return shared.retainedDuplicate();
        }
        return alloc.ioBuffer(SIZE);
      }

      @Override
      public int guess() {
        return SIZE;
      }

      @Override
      public void lastBytesRead(int bytes) {
        super.lastBytesRead(bytes);
        if (bytes > 0) {
          received.accept(bytes);
        }
      }
    }
  }
}
