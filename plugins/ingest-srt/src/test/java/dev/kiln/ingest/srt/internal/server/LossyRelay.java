package dev.kiln.ingest.srt.internal.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay between one caller and the server that drops every {@code n}-th first
 * transmission of a data packet (retransmissions pass), so loss recovery has work to do.
 */
final class LossyRelay implements AutoCloseable {
  private final DatagramSocket front;
  private final DatagramSocket back;
  private final InetSocketAddress server;
  private final int every;
  private final AtomicLong droppedPackets = new AtomicLong();
  private volatile SocketAddress caller;

  LossyRelay(InetSocketAddress server, int every) throws SocketException {
    this.server = server;
    this.every = every;
    front = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    back = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    Thread up = new Thread(this::upstream, "lossy-relay-up");
    Thread down = new Thread(this::downstream, "lossy-relay-down");
    up.setDaemon(true);
    down.setDaemon(true);
    up.start();
    down.start();
  }

  int port() {
    return front.getLocalPort();
  }

  long droppedPackets() {
    return droppedPackets.get();
  }

  private void upstream() {
    byte[] buf = new byte[2048];
    long data = 0;
    try {
      while (!front.isClosed()) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        front.receive(p);
        caller = p.getSocketAddress();
        boolean isData = p.getLength() >= 16 && (buf[0] & 0x80) == 0;
        boolean retransmitted = isData && (buf[4] & 0x04) != 0;
        if (isData && !retransmitted && ++data % every == 0) {
          droppedPackets.incrementAndGet();
          continue;
        }
        back.send(new DatagramPacket(buf, p.getLength(), server));
      }
    } catch (IOException e) {
      if (!front.isClosed()) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void downstream() {
    byte[] buf = new byte[2048];
    try {
      while (!back.isClosed()) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        back.receive(p);
        SocketAddress to = caller;
        if (to != null) {
          front.send(new DatagramPacket(buf, p.getLength(), to));
        }
      }
    } catch (IOException e) {
      if (!back.isClosed()) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    front.close();
    back.close();
  }
}
