package dev.kiln.ingest.srt.internal.server;

import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.seqAdd;
import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.seqOffset;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * The receiver's window of data packets, indexed by sequence number: holds what arrived out of
 * order, knows what is missing (for ACK and NAK), and releases payloads in order once their
 * delivery time (sender timestamp + latency, TSBPD) has come. A gap whose next packet is due
 * is given up (too-late drop). Not thread-safe: one connection's event loop uses it.
 */
final class ReceiveBuffer {
  /** A slot the sender said it dropped (DROPREQ): not lost, nothing to deliver. */
  private static final long DROPPED = Long.MIN_VALUE;

  private final int capacity;
  private final ByteBuf[] payloads;
  private final long[] due;
  /** Next sequence number to deliver. */
  private int head;
  /** One past the highest sequence number received. */
  private int end;
  /** First sequence number at or after head that has not arrived (the ACK point). */
  private int firstMissing;
  private long droppedTooLate;
  private long duplicates;
  private long outOfWindow;

  ReceiveBuffer(int capacity, int initialSequence) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    this.capacity = capacity;
    this.payloads = new ByteBuf[capacity];
    this.due = new long[capacity];
    this.head = initialSequence;
    this.end = initialSequence;
    this.firstMissing = initialSequence;
  }

  private int slot(int seq) {
    return seq & (capacity - 1);
  }

  /** Free slots, for the ACK's available buffer size. */
  int available() {
    return capacity - Math.max(0, seqOffset(head, end));
  }

  int capacity() {
    return capacity;
  }

  /** The ACK point: every packet before it was received (or given up). */
  int ackSequence() {
    return firstMissing;
  }

  long droppedTooLate() {
    return droppedTooLate;
  }

  long duplicates() {
    return duplicates;
  }

  long outOfWindow() {
    return outOfWindow;
  }

  /**
   * Takes a packet's payload (the buffer's reference passes to this buffer).
   *
   * @param dueMicros when it is to be delivered, on the local clock
   * @return the number of packets newly found missing before it (they start at
   *     {@link #end()} as it was before this call), 0 for none, or -1 when the payload was
   *     refused (duplicate, too old, beyond the window) and released
   */
  int put(int seq, ByteBuf payload, long dueMicros) {
    int offset = seqOffset(head, seq);
    if (offset < 0 || offset >= capacity) {
      if (offset < 0) {
        duplicates++;
      } else {
        outOfWindow++;
      }
      payload.release();
      return -1;
    }
    int i = slot(seq);
    if (payloads[i] != null) {
      duplicates++;
      payload.release();
      return -1;
    }
    payloads[i] = payload;
    due[i] = dueMicros;
    int gap = 0;
    if (seqOffset(end, seq) >= 0) {
      gap = seqOffset(end, seq);
      end = seqAdd(seq, 1);
    }
    advanceFirstMissing();
    return gap;
  }

  int end() {
    return end;
  }

  /** The sender gave up on {@code first..last}: stop asking for them. */
  void senderDropped(int first, int last) {
    int span = seqOffset(first, last);
    if (span < 0 || span > capacity) {
      return;
    }
    for (int k = 0; k <= span; k++) {
      int seq = seqAdd(first, k);
      int offset = seqOffset(head, seq);
      if (offset < 0) {
        continue;
      }
      if (offset >= capacity) {
        break;
      }
      int i = slot(seq);
      if (payloads[i] == null) {
        payloads[i] = io.netty.buffer.Unpooled.EMPTY_BUFFER;
        due[i] = DROPPED;
      }
      if (seqOffset(end, seq) >= 0) {
        end = seqAdd(seq, 1);
      }
    }
    advanceFirstMissing();
  }

  private void advanceFirstMissing() {
    while (seqOffset(firstMissing, end) > 0 && payloads[slot(firstMissing)] != null) {
      firstMissing = seqAdd(firstMissing, 1);
    }
  }

  /**
   * Calls {@code lost} with ranges {first, last} of packets still missing, oldest first, at
   * most {@code maxRanges} of them.
   */
  void forEachLoss(int maxRanges, java.util.function.BiConsumer<Integer, Integer> lost) {
    int ranges = 0;
    int seq = firstMissing;
    while (seqOffset(seq, end) > 0 && ranges < maxRanges) {
      if (payloads[slot(seq)] != null) {
        seq = seqAdd(seq, 1);
        continue;
      }
      int first = seq;
      while (seqOffset(seq, end) > 0 && payloads[slot(seq)] == null) {
        seq = seqAdd(seq, 1);
      }
      lost.accept(first, seqAdd(seq, -1));
      ranges++;
    }
  }

  /** True when some packet is missing. */
  boolean hasLoss() {
    return seqOffset(firstMissing, end) > 0;
  }

  /**
   * Delivers, in order, every payload due by {@code nowMicros} (the consumer must release
   * it). A missing packet is skipped (counted as dropped) once a later packet is due.
   */
  void deliver(long nowMicros, Consumer<ByteBuf> consumer) {
    while (seqOffset(head, end) > 0) {
      int i = slot(head);
      ByteBuf p = payloads[i];
      if (p != null) {
        if (due[i] != DROPPED && due[i] > nowMicros) {
          return;
        }
        payloads[i] = null;
        head = seqAdd(head, 1);
        if (due[i] != DROPPED) {
          consumer.accept(p);
        }
        continue;
      }
      // A gap: give it up once the next packet that did arrive is due.
      int next = seqAdd(head, 1);
      while (seqOffset(next, end) > 0 && payloads[slot(next)] == null) {
        next = seqAdd(next, 1);
      }
      int j = slot(next);
      if (due[j] != DROPPED && due[j] > nowMicros) {
        return;
      }
      droppedTooLate += seqOffset(head, next);
      head = next;
      if (seqOffset(firstMissing, head) > 0) {
        firstMissing = head;
      }
      advanceFirstMissing();
    }
  }

  /** Releases everything held. */
  void clear() {
    for (int k = 0; k < capacity; k++) {
      if (payloads[k] != null) {
        payloads[k].release();
        payloads[k] = null;
      }
    }
  }
}
