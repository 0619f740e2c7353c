package dev.kiln.ingest.srt.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The SRT packet header and control packet types, and 31-bit sequence number arithmetic.
 *
 * <p>Every SRT packet starts with 16 bytes: word 0 is a data packet's sequence number (top bit
 * 0) or a control packet's {@code 1 | type(15) | subtype(16)}; word 1 the data packet's
 * position/order/key/retransmit flags and message number, or the control packet's
 * type-specific information; word 2 the sender's timestamp in microseconds; word 3 the
 * destination socket id.
 */
public final class SrtPackets {
  public static final int HEADER_SIZE = 16;

  public static final int HANDSHAKE = 0x0000;
  public static final int KEEPALIVE = 0x0001;
  public static final int ACK = 0x0002;
  public static final int NAK = 0x0003;
  public static final int CONGESTION_WARNING = 0x0004;
  public static final int SHUTDOWN = 0x0005;
  public static final int ACKACK = 0x0006;
  public static final int DROPREQ = 0x0007;
  public static final int PEERERROR = 0x0008;
  /** Extended control packets; the subtype says which (in-band key material exchange). */
  public static final int USER_DEFINED = 0x7FFF;
  public static final int EXT_KMREQ = 3;
  public static final int EXT_KMRSP = 4;

  /** Encryption key flags of a data packet: not encrypted, even key, odd key. */
  public static final int KEY_NONE = 0;
  public static final int KEY_EVEN = 1;
  public static final int KEY_ODD = 2;

  public static final int SEQ_MASK = 0x7FFFFFFF;

  private SrtPackets() {}

  public static boolean isControl(ByteBuf packet) {
    return (packet.getByte(packet.readerIndex()) & 0x80) != 0;
  }

  public static int controlType(ByteBuf packet) {
    return (packet.getInt(packet.readerIndex()) >>> 16) & 0x7FFF;
  }

  public static int controlSubtype(ByteBuf packet) {
    return packet.getInt(packet.readerIndex()) & 0xFFFF;
  }

  /** Word 1: a control packet's type-specific information, a data packet's flags and message number. */
  public static int word1(ByteBuf packet) {
    return packet.getInt(packet.readerIndex() + 4);
  }

  public static int timestamp(ByteBuf packet) {
    return packet.getInt(packet.readerIndex() + 8);
  }

  public static int destinationSocket(ByteBuf packet) {
    return packet.getInt(packet.readerIndex() + 12);
  }

  public static int dataSequence(ByteBuf packet) {
    return packet.getInt(packet.readerIndex()) & SEQ_MASK;
  }

  /** The key flags (KK) of a data packet. */
  public static int dataKey(ByteBuf packet) {
    return (word1(packet) >>> 27) & 0x3;
  }

  /** The retransmitted flag (R) of a data packet. */
  public static boolean dataRetransmitted(ByteBuf packet) {
    return (word1(packet) & 0x04000000) != 0;
  }

  /** A control packet with {@code cifWords} 32-bit words of control information to follow. */
  public static ByteBuf control(ByteBufAllocator alloc, int type, int subtype, int info,
      int timestamp, int destination, int cifBytes) {
    ByteBuf out = alloc.buffer(HEADER_SIZE + cifBytes);
    out.writeInt(0x80000000 | (type << 16) | (subtype & 0xFFFF));
    out.writeInt(info);
    out.writeInt(timestamp);
    out.writeInt(destination);
    return out;
  }

  /** {@code b - a} for 31-bit sequence numbers, as a signed distance. */
  public static int seqOffset(int a, int b) {
    int d = (b - a) & SEQ_MASK;
    return d >= 0x40000000 ? d - 0x80000000 : d;
  }

  public static int seqAdd(int seq, int n) {
    return (seq + n) & SEQ_MASK;
  }

  public static boolean seqLess(int a, int b) {
    return seqOffset(a, b) > 0;
  }
}
