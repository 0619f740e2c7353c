package dev.kiln.ingest.srt.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiveBufferTest {
  private static ByteBuf payload(int n) {
    return Unpooled.buffer(4).writeInt(n);
  }

  private static List<Integer> deliver(ReceiveBuffer b, long now) {
    List<Integer> out = new ArrayList<>();
    b.deliver(now, p -> {
      out.add(p.getInt(0));
      p.release();
    });
    return out;
  }

  private static List<int[]> losses(ReceiveBuffer b) {
    List<int[]> out = new ArrayList<>();
    b.forEachLoss(100, (first, last) -> out.add(new int[] {first, last}));
    return out;
  }

  @Test
  void inOrderPacketsAreDeliveredAtTheirTime() {
    ReceiveBuffer b = new ReceiveBuffer(16, 100);
    assertThat(b.put(100, payload(0), 1000)).isZero();
    assertThat(b.put(101, payload(1), 2000)).isZero();
    assertThat(b.ackSequence()).isEqualTo(102);
    assertThat(deliver(b, 999)).isEmpty();
    assertThat(deliver(b, 1500)).containsExactly(0);
    assertThat(deliver(b, 2000)).containsExactly(1);
    b.clear();
  }

  @Test
  void aGapIsReportedAndFilledByTheRetransmission() {
    ReceiveBuffer b = new ReceiveBuffer(16, 0);
    b.put(0, payload(0), 0);
    assertThat(b.put(3, payload(3), 30)).as("two missing before 3").isEqualTo(2);
    assertThat(losses(b)).containsExactly(new int[] {1, 2});
    assertThat(b.ackSequence()).isEqualTo(1);
    assertThat(deliver(b, 25)).as("1 and 2 missing; 3 not due").containsExactly(0);
    b.put(2, payload(2), 20);
    assertThat(losses(b)).containsExactly(new int[] {1, 1});
    b.put(1, payload(1), 10);
    assertThat(b.hasLoss()).isFalse();
    assertThat(b.ackSequence()).isEqualTo(4);
    assertThat(deliver(b, 30)).containsExactly(1, 2, 3);
    assertThat(b.droppedTooLate()).isZero();
    b.clear();
  }

  @Test
  void aGapIsGivenUpWhenTheNextPacketIsDue() {
    ReceiveBuffer b = new ReceiveBuffer(16, 0);
    b.put(0, payload(0), 0);
    b.put(2, payload(2), 20);
    assertThat(deliver(b, 19)).containsExactly(0);
    assertThat(deliver(b, 20)).containsExactly(2);
    assertThat(b.droppedTooLate()).isEqualTo(1);
    assertThat(b.ackSequence()).isEqualTo(3);
    assertThat(b.put(1, payload(1), 10)).as("too late now").isEqualTo(-1);
    b.clear();
  }

  @Test
  void duplicatesAndPacketsBeyondTheWindowAreReleased() {
    ReceiveBuffer b = new ReceiveBuffer(16, 0);
    ByteBuf dup = payload(0);
    ByteBuf far = payload(99);
    b.put(0, payload(0), 0);
    assertThat(b.put(0, dup, 0)).isEqualTo(-1);
    assertThat(b.put(16, far, 0)).isEqualTo(-1);
    assertThat(dup.refCnt()).isZero();
    assertThat(far.refCnt()).isZero();
    assertThat(b.duplicates()).isEqualTo(1);
    assertThat(b.outOfWindow()).isEqualTo(1);
    b.clear();
  }

  @Test
  void sequenceNumbersWrapAt31Bits() {
    int last = 0x7FFFFFFF;
    ReceiveBuffer b = new ReceiveBuffer(16, last - 1);
    b.put(last - 1, payload(1), 0);
    assertThat(b.put(1, payload(3), 0)).as("the last and 0 missing").isEqualTo(2);
    assertThat(losses(b)).containsExactly(new int[] {last, 0});
    b.put(last, payload(2), 0);
    b.put(0, payload(0), 0);
    assertThat(deliver(b, 0)).containsExactly(1, 2, 0, 3);
    assertThat(b.ackSequence()).isEqualTo(2);
  }

  @Test
  void whatTheSenderDroppedIsNeitherLostNorDelivered() {
    ReceiveBuffer b = new ReceiveBuffer(16, 0);
    b.put(0, payload(0), 0);
    b.put(4, payload(4), 40);
    b.senderDropped(1, 3);
    assertThat(b.hasLoss()).isFalse();
    assertThat(b.ackSequence()).isEqualTo(5);
    assertThat(deliver(b, 0)).containsExactly(0);
    assertThat(deliver(b, 40)).containsExactly(4);
    assertThat(b.droppedTooLate()).isZero();
  }
}
