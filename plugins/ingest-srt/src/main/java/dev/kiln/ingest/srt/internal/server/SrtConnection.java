package dev.kiln.ingest.srt.internal.server;

import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.ACK;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.ACKACK;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.DROPREQ;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.EXT_KMREQ;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.EXT_KMRSP;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.HEADER_SIZE;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.KEEPALIVE;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.KEY_NONE;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.KEY_ODD;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.NAK;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.SHUTDOWN;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.USER_DEFINED;

import dev.kiln.ingest.srt.internal.crypto.KeyMaterial;
import dev.kiln.ingest.srt.internal.crypto.PacketCipher;
import dev.kiln.ingest.srt.internal.protocol.SrtPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's connection after the handshake: puts data packets into the receive buffer
 * (decrypting them), acknowledges (a full ACK every 10 ms when the ACK point moved), reports
 * losses (NAK at once on a gap, again every NAK interval while missing), measures the RTT from
 * ACKACKs, delivers payloads at their TSBPD time, keeps the connection alive and ends it on
 * shutdown, silence or {@link #close(String)}.
 *
 * <p>Everything but {@link #close(String)} runs on the server's event loop.
 */
public final class SrtConnection {
  private static final Logger LOG = LoggerFactory.getLogger(SrtConnection.class);
  static final long ACK_INTERVAL_MICROS = 10_000;
  static final long MIN_NAK_INTERVAL_MICROS = 20_000;
  static final long KEEPALIVE_MICROS = 1_000_000;
  static final int MAX_NAK_RANGES = 150;
  private static final int ACK_HISTORY = 64;

  private final SrtServer server;
  private final InetSocketAddress peer;
  private final int socketId;
  private final int peerSocketId;
  private final long startMicros;
  private final long latencyMicros;
  private final long peerIdleMicros;
  private final long dataIdleMicros;
  private final String passphrase;
  private final ReceiveBuffer buffer;
  private final long tsbpdBase;
  private final int[] ackNumbers = new int[ACK_HISTORY];
  private final long[] ackSentAt = new long[ACK_HISTORY];
  private ByteBuf conclusionReply;
  private PacketCipher cipher;
  private SrtStreamListener listener;
  private String streamId = "";
  private long lastTimestamp;
  private int ackNumber;
  private int lastAckedSequence = -1;
  private long lastAckAt;
  private long lastNakAt;
  private long lastSentAt;
  private long lastReceivedAt;
  private long lastDataAt;
  private long rttMicros = 100_000;
  private long rttVarMicros = 50_000;
  private long packetsInWindow;
  private long bytesInWindow;
  private long windowStartAt;
  private int packetRate;
  private int byteRate;
  private long undecryptable;
  private volatile boolean closed;

  SrtConnection(SrtServer server, InetSocketAddress peer, int socketId, int peerSocketId,
      int initialSequence, int handshakeTimestamp, int latencyMs, int bufferPackets,
      long peerIdleMicros, long dataIdleMicros, String passphrase, PacketCipher cipher,
      long nowMicros) {
    this.server = server;
    this.peer = peer;
    this.socketId = socketId;
    this.peerSocketId = peerSocketId;
    this.startMicros = nowMicros;
    this.latencyMicros = latencyMs * 1000L;
    this.peerIdleMicros = peerIdleMicros;
    this.dataIdleMicros = dataIdleMicros;
    this.passphrase = passphrase;
    this.cipher = cipher;
    this.buffer = new ReceiveBuffer(bufferPackets, initialSequence);
    // The caller's clock started this long before its handshake: its timestamps count from there.
    this.tsbpdBase = nowMicros - Integer.toUnsignedLong(handshakeTimestamp);
    this.lastTimestamp = Integer.toUnsignedLong(handshakeTimestamp);
    this.lastReceivedAt = nowMicros;
    this.lastDataAt = nowMicros;
    this.lastSentAt = nowMicros;
    this.windowStartAt = nowMicros;
  }

  public InetSocketAddress peer() {
    return peer;
  }

  public int socketId() {
    return socketId;
  }

  int peerSocketId() {
    return peerSocketId;
  }

  public String streamId() {
    return streamId;
  }

  public int latencyMs() {
    return (int) (latencyMicros / 1000);
  }

  /** Packets given up because they were still missing at their delivery time. */
  public long droppedPackets() {
    return buffer.droppedTooLate();
  }

  long rttMicros() {
    return rttMicros;
  }

  void accepted(String id, SrtStreamListener l, ByteBuf reply) {
    this.streamId = id;
    this.listener = l;
    this.conclusionReply = reply;
  }

  /** The reply to the conclusion handshake, sent again when the caller repeats it. */
  ByteBuf conclusionReply() {
    return conclusionReply;
  }

  boolean isClosed() {
    return closed;
  }

  /** Ends the connection from any thread: the caller gets a shutdown, the listener its end. */
  public void close(String reason) {
    server.execute(() -> closeNow(reason, true));
  }

  void closeNow(String reason, boolean tellPeer) {
    if (closed) {
      return;
    }
    closed = true;
    if (tellPeer) {
      ByteBuf out = control(SHUTDOWN, 0, 0, 4);
      out.writeInt(0);
      server.send(out, peer, true);
    }
    buffer.clear();
    if (conclusionReply != null) {
      conclusionReply.release();
      conclusionReply = null;
    }
    server.removed(this);
    LOG.info("SRT {} {}: connection closed: {} (dropped {} late packets, rtt {} ms)",
        peer, streamId, reason, buffer.droppedTooLate(), rttMicros / 1000);
    SrtStreamListener l = listener;
    listener = null;
    if (l != null) {
      try {
        l.onClose(reason);
      } catch (RuntimeException e) {
        LOG.warn("SRT {} {}: the stream's listener failed on close", peer, streamId, e);
      }
    }
  }

  private int now32(long nowMicros) {
    return (int) (nowMicros - startMicros);
  }

  private ByteBuf control(int type, int subtype, int info, int cifBytes) {
    long now = server.nowMicros();
    lastSentAt = now;
    return SrtPackets.control(server.alloc(), type, subtype, info, now32(now), peerSocketId, cifBytes);
  }

  /** A data packet for this connection (the reference passes here). */
  void onData(ByteBuf packet, long nowMicros) {
    lastReceivedAt = nowMicros;
    lastDataAt = nowMicros;
    int size = packet.readableBytes();
    packetsInWindow++;
    bytesInWindow += size;
    if (closed || size <= HEADER_SIZE) {
      packet.release();
      return;
    }
    int seq = SrtPackets.dataSequence(packet);
    int key = SrtPackets.dataKey(packet);
    long timestamp = extend(SrtPackets.timestamp(packet));
    if (!decrypt(packet, seq, key)) {
      packet.release();
      return;
    }
    int oldEnd = buffer.end();
    packet.skipBytes(HEADER_SIZE);
    int gap = buffer.put(seq, packet, tsbpdBase + timestamp + latencyMicros);
    if (gap > 0) {
      sendNak(oldEnd, SrtPackets.seqAdd(oldEnd, gap - 1));
    }
  }

  private boolean decrypt(ByteBuf packet, int seq, int key) {
    if (cipher == null) {
      if (key != KEY_NONE) {
        undecryptable++;
        return false;
      }
      return true;
    }
    if (key == KEY_NONE || !cipher.apply(seq, key == KEY_ODD, packet,
        packet.readerIndex() + HEADER_SIZE, packet.readableBytes() - HEADER_SIZE)) {
      if (undecryptable++ == 0) {
        LOG.warn("SRT {} {}: a data packet without a usable key (flags {}); dropping such packets", peer, streamId, key);
      }
      return false;
    }
    return true;
  }

  /** A 32-bit sender timestamp as a 64-bit count, across wraps (every ~71 minutes). */
  private long extend(int timestamp) {
    long extended = lastTimestamp + (timestamp - (int) lastTimestamp);
    if (extended > lastTimestamp) {
      lastTimestamp = extended;
    }
    return extended;
  }

  /** A control packet for this connection (not released here). */
  void onControl(ByteBuf packet, long nowMicros) {
    lastReceivedAt = nowMicros;
    if (closed) {
      return;
    }
    int type = SrtPackets.controlType(packet);
    switch (type) {
      case KEEPALIVE, ACK, NAK, SrtPackets.CONGESTION_WARNING -> { }
      case ACKACK -> onAckAck(SrtPackets.word1(packet), nowMicros);
      case SHUTDOWN -> {
        // What arrived is handed over now, without waiting for its delivery time.
        deliver(Long.MAX_VALUE);
        closeNow("the caller shut the connection down", false);
      }
      case DROPREQ -> {
        if (packet.readableBytes() >= HEADER_SIZE + 8) {
          int first = packet.getInt(packet.readerIndex() + HEADER_SIZE) & SrtPackets.SEQ_MASK;
          int last = packet.getInt(packet.readerIndex() + HEADER_SIZE + 4) & SrtPackets.SEQ_MASK;
          buffer.senderDropped(first, last);
        }
      }
      case USER_DEFINED -> {
        if (SrtPackets.controlSubtype(packet) == EXT_KMREQ) {
          onKeyRefresh(packet);
        }
      }
      default -> { }
    }
  }

  private void onKeyRefresh(ByteBuf packet) {
    byte[] raw = ByteBufUtil.getBytes(packet, packet.readerIndex() + HEADER_SIZE,
        packet.readableBytes() - HEADER_SIZE);
    if (passphrase == null || passphrase.isEmpty()) {
      return;
    }
    try {
      cipher = KeyMaterial.parse(raw).open(passphrase, cipher);
      ByteBuf out = control(USER_DEFINED, EXT_KMRSP, 0, raw.length);
      out.writeBytes(raw);
      server.send(out, peer, false);
      LOG.debug("SRT {} {}: new stream key", peer, streamId);
    } catch (KeyMaterial.BadSecretException | IllegalArgumentException e) {
      LOG.warn("SRT {} {}: in-band key material refused: {}", peer, streamId, e.getMessage());
    }
  }

  private void onAckAck(int number, long nowMicros) {
    for (int i = 0; i < ACK_HISTORY; i++) {
      if (ackNumbers[i] == number && ackSentAt[i] != 0) {
        long sample = nowMicros - ackSentAt[i];
        ackSentAt[i] = 0;
        rttVarMicros = (3 * rttVarMicros + Math.abs(rttMicros - sample)) / 4;
        rttMicros = (7 * rttMicros + sample) / 8;
        return;
      }
    }
  }

  /** The periodic work: delivery, ACK, NAK, keepalive, timeouts. */
  void tick(long nowMicros) {
    if (closed) {
      return;
    }
    deliver(nowMicros);
    if (closed) {
      return;
    }
    if (nowMicros - windowStartAt >= 1_000_000) {
      long span = nowMicros - windowStartAt;
      packetRate = (int) (packetsInWindow * 1_000_000 / span);
      byteRate = (int) Math.min(Integer.MAX_VALUE, bytesInWindow * 1_000_000 / span);
      packetsInWindow = 0;
      bytesInWindow = 0;
      windowStartAt = nowMicros;
    }
    if (nowMicros - lastAckAt >= ACK_INTERVAL_MICROS && buffer.ackSequence() != lastAckedSequence) {
      sendAck(nowMicros);
    }
    long nakInterval = Math.max(MIN_NAK_INTERVAL_MICROS, (rttMicros + 4 * rttVarMicros) / 2);
    if (buffer.hasLoss() && nowMicros - lastNakAt >= nakInterval) {
      sendLossReport(nowMicros);
    }
    if (nowMicros - lastSentAt >= KEEPALIVE_MICROS) {
      ByteBuf out = control(KEEPALIVE, 0, 0, 4);
      out.writeInt(0);
      server.send(out, peer, false);
    }
    if (nowMicros - lastReceivedAt >= peerIdleMicros) {
      closeNow("nothing received for " + peerIdleMicros / 1_000_000 + " s", true);
    } else if (nowMicros - lastDataAt >= dataIdleMicros) {
      closeNow("no media for " + dataIdleMicros / 1_000_000 + " s", true);
    }
  }

  /** Hands the listener every payload due by {@code nowMicros}, in order. */
  private void deliver(long nowMicros) {
    buffer.deliver(nowMicros, payload -> {
      try {
        SrtStreamListener l = listener;
        if (l != null && !closed) {
          l.onPayload(payload);
        }
      } finally {
        payload.release();
      }
    });
  }

  private void sendAck(long nowMicros) {
    int ackSeq = buffer.ackSequence();
    ackNumber = ackNumber == Integer.MAX_VALUE ? 1 : ackNumber + 1;
    ByteBuf out = control(ACK, 0, ackNumber, 28);
    out.writeInt(ackSeq);
    out.writeInt((int) rttMicros);
    out.writeInt((int) rttVarMicros);
    out.writeInt(Math.max(2, buffer.available()));
    out.writeInt(packetRate);
    out.writeInt(Math.max(packetRate, 1000));
    out.writeInt(byteRate);
    int i = ackNumber % ACK_HISTORY;
    ackNumbers[i] = ackNumber;
    ackSentAt[i] = nowMicros;
    lastAckAt = nowMicros;
    lastAckedSequence = ackSeq;
    server.send(out, peer, false);
  }

  private void sendNak(int first, int last) {
    ByteBuf out = control(NAK, 0, 0, 8);
    if (first == last) {
      out.writeInt(first);
    } else {
      out.writeInt(first | 0x80000000);
      out.writeInt(last);
    }
    lastNakAt = server.nowMicros();
    server.send(out, peer, false);
  }

  private void sendLossReport(long nowMicros) {
    ByteBuf out = control(NAK, 0, 0, MAX_NAK_RANGES * 8);
    buffer.forEachLoss(MAX_NAK_RANGES, (first, last) -> {
      if (first.intValue() == last.intValue()) {
        out.writeInt(first);
      } else {
        out.writeInt(first | 0x80000000);
        out.writeInt(last);
      }
    });
    lastNakAt = nowMicros;
    if (out.readableBytes() == HEADER_SIZE) {
      out.release();
      return;
    }
    server.send(out, peer, false);
  }
}
