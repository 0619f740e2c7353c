package dev.kiln.ingest.rtmp.internal.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.ingest.rtmp.LogCapture;
import dev.kiln.rtmp.protocol.amf.Amf0;
import dev.kiln.rtmp.protocol.amf.Amf0Encoder;
import dev.kiln.rtmp.protocol.message.Command;
import dev.kiln.rtmp.protocol.message.CommandCodec;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import dev.kiln.ingest.rtmp.internal.session.WireClient;
import dev.kiln.testkit.FakeRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bridge over an in-memory RTMP connection, against a recording stream registry. */
class StreamPublisherTest {
  /** An AVC sequence header as ffmpeg/libx264 sends it for 320x240 (FLV tag body). */
  static final byte[] AVC_SEQUENCE_HEADER = HexFormat.of().parseHex(
      "17000000000142c00dffe100166742c00dda0507ec0440000003004000000f03c50aa801000468ce0fc8");
  /** An AAC sequence header: AAC LC, 44100 Hz, mono. */
  static final byte[] AAC_SEQUENCE_HEADER = HexFormat.of().parseHex("af001208");

  private final FakeRegistry registry = new FakeRegistry();
  private WireClient client;
  private LogCapture log;

  @BeforeEach
  void start() {
    log = LogCapture.of("dev.kiln.ingest.rtmp");
    client = new WireClient(session -> new StreamPublisher(registry, session)).handshake();
  }

  @AfterEach
  void stop() {
    client.close();
    log.close();
  }

  @Test
  void publishOpensAStreamWithTracksAndPackets() {
    publish("rtmp://example.com:1935/app", "stream?key=1");
    assertThat(registry.resolvedHosts).containsExactly("example.com");
    assertThat(registry.requests).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(new StreamKey("vh", "app", "stream"));
      assertThat(r.sourceType()).isEqualTo("Rtmp");
      assertThat(r.remote()).isNotEmpty();
    });
    FakeRegistry.Writer writer = registry.writers.get(0);

    metadata(Map.of("videocodecid", 7.0, "audiocodecid", 10.0));
    client.media(MessageType.VIDEO, 0, AVC_SEQUENCE_HEADER);
    assertThat(writer.trackLists).as("waits for the announced audio").isEmpty();
    client.media(MessageType.VIDEO, 0, frame(true, 66, 1, 2, 3));
    assertThat(writer.packets).as("no packets before the tracks").isEmpty();
    client.media(MessageType.AUDIO, 0, AAC_SEQUENCE_HEADER);
    assertThat(writer.trackLists).singleElement().satisfies(tracks -> {
      assertThat(tracks).hasSize(2);
      Track video = tracks.get(0);
      assertThat(video.id()).isZero();
      assertThat(video.codec()).isEqualTo(Codec.H264);
      assertThat(video.timescale()).isEqualTo(1000);
      assertThat(video.width()).isEqualTo(320);
      assertThat(video.height()).isEqualTo(240);
      assertThat(video.config()).isEqualTo(
          Arrays.copyOfRange(AVC_SEQUENCE_HEADER, 5, AVC_SEQUENCE_HEADER.length));
      Track audio = tracks.get(1);
      assertThat(audio.id()).isEqualTo(1);
      assertThat(audio.codec()).isEqualTo(Codec.AAC);
      assertThat(audio.sampleRate()).isEqualTo(44100);
      assertThat(audio.channels()).isEqualTo(1);
      assertThat(audio.config()).containsExactly(0x12, 0x08);
    });

    client.media(MessageType.VIDEO, 40, frame(true, 66, 9, 8, 7));
    client.media(MessageType.AUDIO, 42, (byte) 0xAF, (byte) 1, (byte) 0x21, (byte) 0x10);
    client.media(MessageType.VIDEO, 73, frame(false, -33, 5));
    assertThat(writer.packets)
        .extracting(FakeRegistry.Packet::trackId, FakeRegistry.Packet::pts,
            FakeRegistry.Packet::dts, FakeRegistry.Packet::keyframe)
        .containsExactly(tuple(0, 106L, 40L, true), tuple(1, 42L, 42L, true),
            tuple(0, 40L, 73L, false));
    assertThat(writer.packets.get(0).bytes()).containsExactly(9, 8, 7);
    assertThat(writer.packets.get(1).bytes()).containsExactly(0x21, 0x10);
    assertThat(writer.packets.get(2).bytes()).containsExactly(5);

    client.command(0, "FCUnpublish", 6, null, "stream?key=1");
    assertThat(writer.closes).isEqualTo(1);
    client.server.close();
    assertThat(writer.closes).as("closed once").isEqualTo(1);
    assertThat(log.messages(Level.WARN)).isEmpty();
  }

  @Test
  void countsEveryByteTheConnectionReceivedFromTheHandshakeOn() {
    long sent = 1 + 2 * 1536;
    sent += sendConnectAndPublish("rtmp://127.0.0.1/app", "s");
    FakeRegistry.Writer writer = registry.writers.get(0);
    assertThat(writer.bytesIn).as("bytes before the publish count too").isEqualTo(sent);
    sent += sendMedia(MessageType.VIDEO, 0, AVC_SEQUENCE_HEADER);
    sent += sendMedia(MessageType.VIDEO, 0, frame(true, 0, new byte[5000]));
    assertThat(writer.bytesIn).as("reported in batches").isLessThan(sent);
    sent += sendMedia(MessageType.VIDEO, StreamPublisher.COUNT_MILLIS_EVERY, frame(true, 0, new byte[10]));
    assertThat(writer.bytesIn).as("after half a second of media").isEqualTo(sent);
    sent += sendMedia(MessageType.VIDEO, StreamPublisher.COUNT_MILLIS_EVERY,
        frame(true, 0, new byte[(int) StreamPublisher.COUNT_BYTES_EVERY]));
    assertThat(writer.bytesIn).as("after 32 KiB").isEqualTo(sent);
    ByteBuf ping = client.encode(checkBandwidth());
    sent += ping.readableBytes();
    client.sendRaw(ping);
    client.server.close();
    assertThat(writer.bytesIn).as("counted up to the end").isEqualTo(sent);
  }

  @Test
  void unknownApplicationIsRefusedWithBadName() {
    registry.onPublish = r -> {
      throw new NotFoundException("Could not find the application: [default/nope]");
    };
    List<Command> replies = publish("rtmp://127.0.0.1/nope", "s");
    assertThat(status(replies)).containsEntry("code", "NetStream.Publish.BadName")
        .containsEntry("description", "Could not find the application: [default/nope]");
    assertThat(client.server.isOpen()).isFalse();
  }

  @Test
  void liveNameIsRefusedWithBadName() {
    registry.onPublish = r -> {
      throw new ConflictException("The stream [default/app/s] is already being published");
    };
    List<Command> replies = publish("rtmp://127.0.0.1/app", "s");
    assertThat(status(replies)).containsEntry("code", "NetStream.Publish.BadName")
        .containsEntry("description", "The stream [default/app/s] is already being published");
    assertThat(client.server.isOpen()).isFalse();
  }

  @Test
  void theDisconnectorClosesTheConnectionAndTheStream() {
    publish("rtmp://127.0.0.1/app", "s");
    FakeRegistry.Writer writer = registry.writers.get(0);
    registry.requests.get(0).disconnector().run();
    client.server.runPendingTasks();
    assertThat(client.server.isOpen()).isFalse();
    assertThat(writer.closes).isEqualTo(1);
  }

  @Test
  void malformedSequenceHeaderClosesTheConnection() {
    publish("rtmp://127.0.0.1/app", "s");
    FakeRegistry.Writer writer = registry.writers.get(0);
    byte[] broken = Arrays.copyOf(AVC_SEQUENCE_HEADER, 20);
    client.media(MessageType.VIDEO, 0, broken);
    assertThat(client.server.isOpen()).isFalse();
    assertThat(writer.closes).isEqualTo(1);
    assertThat(log.messages(Level.WARN)).singleElement().asString()
        .contains("malformed video tag");
  }

  @Test
  void aFailingWriterClosesOnlyItsConnectionAndLeaksNothing() {
    publish("rtmp://127.0.0.1/app", "s");
    FakeRegistry.Writer writer = registry.writers.get(0);
    metadata(Map.of("videocodecid", 7.0));
    client.media(MessageType.VIDEO, 0, AVC_SEQUENCE_HEADER);
    writer.failOnWrite = new IllegalStateException("kernel bug");
    client.media(MessageType.VIDEO, 0, frame(true, 0, 1, 2));
    assertThat(client.server.isOpen()).isFalse();
    assertThat(writer.closes).isEqualTo(1);
    assertThat(log.messages(Level.WARN)).singleElement().asString()
        .contains("publish listener failed");
  }

  @Test
  void unsupportedCodecIsDroppedWithOneWarning() {
    publish("rtmp://127.0.0.1/app", "s");
    FakeRegistry.Writer writer = registry.writers.get(0);
    client.media(MessageType.VIDEO, 0, (byte) 0x22, (byte) 1, (byte) 2); // Sorenson H.263
    client.media(MessageType.VIDEO, 33, (byte) 0x22, (byte) 1, (byte) 2);
    assertThat(writer.packets).isEmpty();
    assertThat(client.server.isOpen()).isTrue();
    assertThat(log.messages(Level.WARN)).singleElement().asString().contains("not supported");
  }

  // ---- helpers ----

  private List<Command> publish(String tcUrl, String name) {
    sendConnectAndPublish(tcUrl, name);
    return client.receivedCommands();
  }

  /** connect, createStream, publish; returns the bytes sent. */
  private long sendConnectAndPublish(String tcUrl, String name) {
    Map<String, Object> object = new LinkedHashMap<>();
    String app = tcUrl.substring(tcUrl.lastIndexOf('/') + 1);
    object.put("app", app);
    object.put("tcUrl", tcUrl);
    long sent = sendRaw(client.encode(CommandCodec.command(ByteBufAllocator.DEFAULT, 0, "connect", 1, object)));
    sent += sendRaw(client.encode(CommandCodec.command(ByteBufAllocator.DEFAULT, 0, "createStream", 2, (Object) null)));
    sent += sendRaw(client.encode(CommandCodec.command(ByteBufAllocator.DEFAULT, 1, "publish", 3, null, name, "live")));
    return sent;
  }

  private long sendMedia(int type, long timestamp, byte[] body) {
    return sendRaw(client.encode(new RtmpMessage(type == MessageType.VIDEO ? 6 : 4, type, 1,
        timestamp, Unpooled.wrappedBuffer(body))));
  }

  private long sendRaw(ByteBuf wire) {
    int n = wire.readableBytes();
    client.sendRaw(wire);
    return n;
  }

  private static RtmpMessage checkBandwidth() {
    return CommandCodec.command(ByteBufAllocator.DEFAULT, 0, "_checkbw", 0);
  }

  private void metadata(Map<String, Object> values) {
    ByteBuf buf = Unpooled.buffer();
    Amf0Encoder.encodeAll(buf, "@setDataFrame", "onMetaData", new Amf0.EcmaArray(values));
    client.send(new RtmpMessage(5, MessageType.DATA_AMF0, 1, 0, buf));
  }

  /** A legacy AVC NALU tag body: frame type, packet type 1, composition time, data. */
  private static byte[] frame(boolean key, int compositionTime, int... data) {
    byte[] bytes = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      bytes[i] = (byte) data[i];
    }
    return frame(key, compositionTime, bytes);
  }

  private static byte[] frame(boolean key, int compositionTime, byte[] data) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(compositionTime).writeBytes(data);
    return ByteBufUtil.getBytes(b);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(List<Command> replies) {
    Command status = replies.stream().filter(c -> c.name().equals("onStatus")).findFirst()
        .orElseThrow(() -> new AssertionError("no onStatus in " + replies));
    return (Map<String, Object>) status.argument(0);
  }
}
