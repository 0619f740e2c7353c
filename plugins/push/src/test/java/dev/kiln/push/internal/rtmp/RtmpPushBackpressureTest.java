package dev.kiln.push.internal.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.TargetSpec;
import dev.kiln.rtmp.protocol.flv.TagKind;
import dev.kiln.rtmp.protocol.flv.VideoTag;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that stops reading (Kiln's ingest with auto-read turned off on its connection):
 * the target drops instead of blocking or buffering, resumes at a key frame, and gives up after
 * the stall timeout.
 */
@ExtendWith(LeakCheck.class)
class RtmpPushBackpressureTest {
  private static final int SECONDS = 2;
  private static EventLoopGroup group;
  @TempDir static Path dir;
  private static TestMedia media;
  private long offset;
  private int next;
  private int pace = 64;
  private long lastDroppedMs = -1;

  @BeforeAll
  static void setUp() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    media = TestMedia.generate(dir, false, SECONDS);
  }

  @AfterAll
  static void tearDown() {
    if (media != null) {
      media.release();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void dropsToTheNextKeyFrameWhileTheReceiverIsNotReading() throws Exception {
    RtmpTargetFactory factory = new RtmpTargetFactory(group, NioSocketChannel.class);
    try (KilnReceiver receiver = new KilnReceiver(group, null, null)) {
      RtmpPushTarget target = (RtmpPushTarget) factory.create(new TargetSpec(
          Protocol.RTMP, URI.create(receiver.url("live")), "slow", media.tracks()));
      target.open().get(10, TimeUnit.SECONDS);
      Channel ingest = ingestChannel(receiver);
      ingest.config().setAutoRead(false);

      long slowest = sendUntil(target, () -> target.droppedPackets() > 0, Duration.ofSeconds(20));
      // A send() that blocked would wait for the receiver, which does not read again until
      // this phase is over; scheduling hiccups on a busy machine stay far below a second.
      assertThat(slowest).as("longest send() in ms").isLessThan(1000);
      long held = media.packets().stream()
          .mapToLong(p -> (long) (p.payload().refCount() - 1) * p.payload().length()).sum();
      int largest = media.packets().stream().mapToInt(p -> p.payload().length()).max().orElse(0);
      assertThat(held).as("payload bytes held by the connection")
          .isLessThanOrEqualTo(RtmpPushTarget.WATER_MARK.high() + 2L * largest);

      ingest.config().setAutoRead(true);
      long dropped = target.droppedPackets();
      // Go on until the receiver has a frame from after the last drop (drops may recur while
      // it catches up).
      pace = 8;
      sendUntil(target, () -> receiver.video.stream().anyMatch(
          t -> t.kind() == TagKind.FRAME && t.dtsMs() > lastDroppedMs), Duration.ofSeconds(20));
      target.close();
      target.closed().get(10, TimeUnit.SECONDS);
      receiver.unpublished.get(10, TimeUnit.SECONDS);

      assertThat(receiver.video.stream().anyMatch(
          t -> t.kind() == TagKind.FRAME && t.dtsMs() > lastDroppedMs)).isTrue();
      List<VideoTag> frames = receiver.video.stream()
          .filter(t -> t.kind() == TagKind.FRAME).toList();
      int gaps = 0;
      long frameMs = 1000 / TestMedia.FPS + 1;
      for (int i = 1; i < frames.size(); i++) {
        if (frames.get(i).dtsMs() - frames.get(i - 1).dtsMs() > frameMs) {
          gaps++;
          assertThat(frames.get(i).keyframe()).as("first frame after a gap at %d ms",
              frames.get(i).dtsMs()).isTrue();
        }
      }
      assertThat(gaps).as("gaps after %d dropped packets", dropped).isPositive();
    }
    awaitReferencesReleased();
  }

  @Test
  void aReceiverThatReadsNothingForTheStallTimeoutFailsTheTarget() throws Exception {
    RtmpTargetFactory factory = new RtmpTargetFactory(group, NioSocketChannel.class,
        Duration.ofSeconds(10), Duration.ofSeconds(1), null);
    try (KilnReceiver receiver = new KilnReceiver(group, null, null)) {
      RtmpPushTarget target = (RtmpPushTarget) factory.create(new TargetSpec(
          Protocol.RTMP, URI.create(receiver.url("live")), "stuck", media.tracks()));
      target.open().get(10, TimeUnit.SECONDS);
      ingestChannel(receiver).config().setAutoRead(false);
      sendUntil(target, () -> target.closed().isDone(), Duration.ofSeconds(20));
      assertThatThrownBy(() -> target.closed().get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("127.0.0.1:" + receiver.port() + " accepted no data for 1 s");
    }
    awaitReferencesReleased();
  }

  private static Channel ingestChannel(KilnReceiver receiver) {
    RtmpSession session = receiver.server.sessions().iterator().next();
    return session.closeFuture().channel();
  }

  /** Sends the media over and over (timestamps running on) until done; returns the slowest send in ms. */
  private long sendUntil(RtmpPushTarget target, BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long slowest = 0;
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      long start = System.nanoTime();
      sendOne(target);
      slowest = Math.max(slowest, System.nanoTime() - start);
      if (next % pace == 0) {
        // Let the event loop and the receiver move; the condition is checked right after.
        awaitQuietly(target, 1);
      }
    }
    return TimeUnit.NANOSECONDS.toMillis(slowest);
  }

  private void sendOne(RtmpPushTarget target) {
    List<MediaPacket> packets = media.packets();
    MediaPacket p = packets.get(next % packets.size());
    if (next > 0 && next % packets.size() == 0) {
      offset += SECONDS * 1000L;
    }
    next++;
    long shift = p.trackId() == TestMedia.VIDEO_TRACK ? offset * 90 : offset;
    long droppedBefore = target.droppedPackets();
    target.send(new MediaPacket(p.trackId(), p.pts() + shift, p.dts() + shift, p.keyframe(),
        p.payload()));
    if (target.droppedPackets() > droppedBefore) {
      long ms = p.trackId() == TestMedia.VIDEO_TRACK ? (p.dts() + shift) / 90 : p.dts() + shift;
      lastDroppedMs = Math.max(lastDroppedMs, ms);
    }
  }

  private static void awaitQuietly(RtmpPushTarget target, long millis) throws InterruptedException {
    try {
      target.closed().get(millis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // the caller checks its own condition
    }
  }

  private static void awaitReferencesReleased() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!media.onlyTestReferencesLeft() && System.nanoTime() < deadline) {
      awaitQuietlyStatic();
    }
    assertThat(media.onlyTestReferencesLeft()).as("payload references released").isTrue();
  }

  private static void awaitQuietlyStatic() throws InterruptedException {
    Thread.sleep(10); // polling interval for a reference count, checked right after
  }
}
