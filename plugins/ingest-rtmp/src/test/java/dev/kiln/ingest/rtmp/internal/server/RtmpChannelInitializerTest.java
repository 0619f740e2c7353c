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
import org.junit.jupiter.api.Test;

class RtmpChannelInitializerTest {

  @Test
  void silentConnectionIsClosedAfterTheReadTimeout() {
    Set<RtmpSession> sessions = ConcurrentHashMap.newKeySet();
    try (LogCapture log = LogCapture.of("dev.kiln.ingest.rtmp")) {
      EmbeddedChannel channel = new EmbeddedChannel(
          new RtmpChannelInitializer(new RecordingListener().factory(), sessions));
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
  void theConfiguredReadTimeoutAppliesAndInboundBytesAreCounted() {
    Set<RtmpSession> sessions = ConcurrentHashMap.newKeySet();
    try (LogCapture log = LogCapture.of("dev.kiln.ingest.rtmp")) {
      EmbeddedChannel channel = new EmbeddedChannel(
          new RtmpChannelInitializer(new RecordingListener().factory(), sessions, 3));
      try {
        RtmpSession session = sessions.iterator().next();
        channel.writeInbound(Unpooled.buffer().writeByte(3).writeZero(100));
        assertThat(session.bytesReceived()).isEqualTo(101);
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }
}
