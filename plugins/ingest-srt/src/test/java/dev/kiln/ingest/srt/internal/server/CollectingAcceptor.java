package dev.kiln.ingest.srt.internal.server;

import dev.kiln.ingest.srt.internal.protocol.Rejection;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Accepts every stream id but "refuse/…" and keeps each stream's payload bytes. */
final class CollectingAcceptor implements SrtAcceptor {
  final Map<String, Stream> streams = new ConcurrentHashMap<>();

  static final class Stream implements SrtStreamListener {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile String closeReason;
    volatile SrtConnection connection;

    @Override
    public synchronized void onPayload(ByteBuf payload) {
      byte[] b = new byte[payload.readableBytes()];
      payload.getBytes(payload.readerIndex(), b);
      bytes.writeBytes(b);
    }

    @Override
    public void onClose(String reason) {
      closeReason = reason;
      closed.countDown();
    }

    synchronized byte[] data() {
      return bytes.toByteArray();
    }

    void awaitClosed(Duration limit) throws InterruptedException {
      if (!closed.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the connection did not close within " + limit);
      }
    }
  }

  @Override
  public SrtStreamListener accept(String streamId, InetSocketAddress peer, SrtConnection connection)
      throws RejectedException {
    if (streamId.startsWith("refuse/")) {
      throw new RejectedException(Rejection.NOT_FOUND, "refused by the test");
    }
    Stream s = new Stream();
    s.connection = connection;
    if (streams.putIfAbsent(streamId, s) != null) {
      throw new RejectedException(Rejection.CONFLICT, "stream id in use");
    }
    return s;
  }

  Stream await(String streamId, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      Stream s = streams.get(streamId);
      if (s != null) {
        return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no connection for " + streamId + " within " + limit + "; have " + streams.keySet());
  }
}
