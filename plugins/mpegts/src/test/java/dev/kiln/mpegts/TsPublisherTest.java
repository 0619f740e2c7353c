package dev.kiln.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.testkit.FakeRegistry;
import dev.kiln.testkit.FfmpegTool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge from a transport stream to the stream registry, on a stream made by ffmpeg. */
class TsPublisherTest {
  private static final StreamKey KEY = new StreamKey("default", "app", "cam");

  @TempDir
  static Path dir;
  private static byte[] ts;

  @BeforeAll
  static void makeStream() throws Exception {
    Path file = dir.resolve("in.ts");
    FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), List.of("-y",
        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
        "-f", "lavfi", "-i", "sine=sample_rate=44100", "-t", "1",
        "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-f", "mpegts", file.toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    ts = Files.readAllBytes(file);
  }

  private static PublishRequest request(AtomicInteger disconnects) {
    return new PublishRequest(KEY, "MpegTs", "127.0.0.1:5000", disconnects::incrementAndGet);
  }

  private static void feed(TsPublisher publisher, byte[] bytes, int slice) {
    for (int i = 0; i < bytes.length; i += slice) {
      ByteBuf buf = Unpooled.wrappedBuffer(bytes, i, Math.min(slice, bytes.length - i));
      try {
        publisher.feed(buf);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void publishesOnTheFirstTracksWritesPacketsAndCountsEveryByte() {
    FakeRegistry registry = new FakeRegistry();
    TsPublisher publisher = new TsPublisher(registry, request(new AtomicInteger()));
    assertThat(publisher.isPublished()).isFalse();

    feed(publisher, ts, 1316);
    publisher.close();
    publisher.close();

    assertThat(registry.requests).hasSize(1);
    assertThat(registry.requests.get(0).sourceType()).isEqualTo("MpegTs");
    FakeRegistry.Writer writer = registry.writers.get(0);
    assertThat(writer.trackLists).hasSize(1);
    assertThat(writer.trackLists.get(0)).extracting(Track::codec).containsExactly(Codec.H264, Codec.AAC);
    assertThat(writer.packets).extracting(FakeRegistry.Packet::trackId).contains(0, 1);
    // 25 frames; the last one's PES has no length, it would end with the next frame's start.
    assertThat(writer.packets.stream().filter(p -> p.trackId() == 0)).hasSize(24);
    assertThat(writer.bytesIn).isEqualTo(ts.length);
    assertThat(writer.closes).isEqualTo(1);
    assertThat(publisher.isClosed()).isTrue();
  }

  @Test
  void aRefusedPublishPropagatesAndNothingLeaks() {
    FakeRegistry registry = new FakeRegistry();
    registry.onPublish = request -> {
      throw new ConflictException("Stream is already live: " + request.key());
    };
    TsPublisher publisher = new TsPublisher(registry, request(new AtomicInteger()));
    assertThatThrownBy(() -> feed(publisher, ts, 188 * 7)).isInstanceOf(ConflictException.class);
    publisher.close();
    assertThat(publisher.isPublished()).isFalse();
  }

  @Test
  void publishOpensTheStreamBeforeAnyMedia() {
    FakeRegistry registry = new FakeRegistry();
    TsPublisher publisher = new TsPublisher(registry, request(new AtomicInteger()));
    publisher.publish();
    publisher.publish();
    assertThat(registry.requests).hasSize(1);
    assertThat(publisher.isPublished()).isTrue();
    publisher.close();
    assertThat(registry.writers.get(0).closes).isEqualTo(1);
    assertThat(registry.writers.get(0).trackLists).isEmpty();
  }
}
