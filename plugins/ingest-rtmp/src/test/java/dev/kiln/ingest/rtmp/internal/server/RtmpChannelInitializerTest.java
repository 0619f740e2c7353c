package dev.kiln.ingest.rtmp.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.kiln.ingest.rtmp.LogCapture;
import dev.kiln.ingest.rtmp.internal.session.RecordingListener;
import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RtmpChannelInitializerTest {
  private final ReadBuffers readBuffers = new ReadBuffers();
  private final Set<RtmpSession> sessions = ConcurrentHashMap.newKeySet();

  @AfterEach
  void closeBuffers() {
    readBuffers.close();
  }

  @Test
  void silentConnectionIsClosedAfterTheReadTimeout() {
    try (LogCapture log = LogCapture.of("dev.kiln.ingest.rtmp")) {
      EmbeddedChannel channel = new EmbeddedChannel(
          new RtmpChannelInitializer(new RecordingListener().factory(), sessions, readBuffers));
      try {
        assertThat(sessions).hasSize(1);
        ByteBuf partialC1 = Unpooled.buffer().writeByte(3).writeZero(100);
        channel.writeInbound(partialC1); // a handshake that stalls
        channel.advanceTimeBy(RtmpChannelInitializer.READ_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(sessions).isEmpty();
        assertThat(log.messages(Level.WARN)).singleElement().asString()
            .contains("no data received for too long");
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }

  @Test
  void bytesKeepAConnectionOpenUntilItFallsSilentForTheConfiguredTimeout() {
    EmbeddedChannel channel = new EmbeddedChannel(
        new RtmpChannelInitializer(new RecordingListener().factory(), sessions, readBuffers, 4));
    try {
      RtmpSession session = sessions.iterator().next();
      for (int second = 0; second < 10; second++) {
        session.countReceived(100); // what the channel's read handle does for each read
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).as("open while bytes arrive, second %d", second).isTrue();
      }
      channel.advanceTimeBy(3, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
      assertThat(channel.isOpen()).as("3 s of silence").isTrue();
      channel.advanceTimeBy(2, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
      assertThat(channel.isOpen()).as("5 s of silence").isFalse();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void theChannelReadsThroughACountingHandleOfTheSharedBuffers() {
    EmbeddedChannel channel = new EmbeddedChannel(
        new RtmpChannelInitializer(new RecordingListener().factory(), sessions, readBuffers));
    try {
      RtmpSession session = sessions.iterator().next();
      var handle = channel.config().getRecvByteBufAllocator().newHandle();
      ByteBuf read = handle.allocate(channel.alloc());
      assertThat(read.capacity()).isEqualTo(ReadBuffers.SIZE);
      handle.lastBytesRead(101);
      handle.lastBytesRead(-1); // end of stream: nothing to count
      assertThat(session.bytesReceived()).isEqualTo(101);
      read.release();
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
