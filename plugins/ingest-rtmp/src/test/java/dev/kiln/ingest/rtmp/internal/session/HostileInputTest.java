package dev.kiln.ingest.rtmp.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.kiln.rtmp.protocol.amf.Amf0;
import dev.kiln.rtmp.protocol.message.CommandCodec;
import dev.kiln.rtmp.protocol.message.ControlMessages;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Mutated and truncated versions of a valid publish session, fed to the whole server pipeline:
 * whatever arrives, nothing may escape the pipeline (EmbeddedChannel rethrows what reaches its
 * tail), the listener hears at most one onUnpublish, and no buffer may leak.
 */
class HostileInputTest {
  private static Level savedLevel;

  @BeforeAll
  static void quiet() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.kiln.ingest.rtmp");
    savedLevel = logger.getLevel();
    logger.setLevel(Level.ERROR); // hundreds of expected WARN lines otherwise
  }

  @AfterAll
  static void restore() {
    ((Logger) LoggerFactory.getLogger("dev.kiln.ingest.rtmp")).setLevel(savedLevel);
  }

  @Test
  void mutatedSessionsNeverEscapeThePipeline() {
    byte[] valid = validSession();
    Random random = new Random(7);
    int closedByServer = 0;
    int published = 0;
    for (int round = 0; round < 150; round++) {
      byte[] input = valid.clone();
      int mutations = 1 + random.nextInt(8);
      for (int i = 0; i < mutations; i++) {
        // Half the mutations hit the commands at the start, where most of the parsing is.
        int at = random.nextInt(random.nextBoolean() ? 600 : input.length);
        switch (random.nextInt(3)) {
          case 0 -> input[at] = (byte) random.nextInt(256);
          case 1 -> input[at] ^= (byte) (1 << random.nextInt(8));
          default -> input[at] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
        }
      }
      int length = random.nextInt(10) == 0 ? random.nextInt(input.length) : input.length;
      RecordingListener listener = new RecordingListener();
      try (WireClient client = new WireClient(listener.factory()).handshake()) {
        int pos = 0;
        while (pos < length && client.server.isOpen()) {
          int n = Math.min(length - pos, 1 + random.nextInt(600));
          client.sendRaw(Unpooled.wrappedBuffer(input, pos, n));
          pos += n;
        }
        client.received().forEach(RtmpMessage::release);
        closedByServer += client.server.isOpen() ? 0 : 1;
        published += listener.published.isDone() ? 1 : 0;
        client.server.close();
        assertThat(listener.unpublishReasons).as("round %d", round).hasSizeLessThanOrEqualTo(1);
      }
    }
    // The mutations reach both the error paths and the publish path.
    assertThat(closedByServer).isGreaterThan(20);
    assertThat(published).isGreaterThan(30);
  }

  /** The chunk bytes of a short valid publish: connect, createStream, publish, metadata, media. */
  private static byte[] validSession() {
    try (WireClient encoder = new WireClient(s -> new RecordingListener())) {
      ByteBuf all = Unpooled.buffer();
      Map<String, Object> connect = new LinkedHashMap<>();
      connect.put("app", "live");
      connect.put("tcUrl", "rtmp://h/live");
      add(all, encoder, ControlMessages.setChunkSize(300));
      add(all, encoder, command(0, "connect", 1, connect));
      add(all, encoder, command(0, "releaseStream", 2, null, "s?k=1"));
      add(all, encoder, command(0, "FCPublish", 3, null, "s?k=1"));
      add(all, encoder, command(0, "createStream", 4, (Object) null));
      add(all, encoder, command(1, "publish", 5, null, "s?k=1", "live"));
      ByteBuf meta = Unpooled.buffer();
      dev.kiln.rtmp.protocol.amf.Amf0Encoder.encodeAll(meta, "@setDataFrame", "onMetaData",
          new Amf0.EcmaArray(Map.of("width", 640.0, "list", java.util.List.of(1.0, "x"))));
      add(all, encoder, new RtmpMessage(5, MessageType.DATA_AMF0, 1, 0, meta));
      for (int i = 0; i < 6; i++) {
        ByteBuf video = Unpooled.buffer().writeByte(i == 0 ? 0x17 : 0x27).writeByte(i == 0 ? 0 : 1)
            .writeMedium(0).writeBytes(new byte[700 + i]);
        add(all, encoder, new RtmpMessage(6, MessageType.VIDEO, 1, i * 33L, video));
        ByteBuf audio = Unpooled.buffer().writeByte(0xAF).writeByte(1).writeBytes(new byte[40]);
        add(all, encoder, new RtmpMessage(4, MessageType.AUDIO, 1, i * 21L, audio));
      }
      add(all, encoder, new RtmpMessage(2, MessageType.USER_CONTROL, 0, 0,
          Unpooled.buffer().writeShort(ControlMessages.PING_REQUEST).writeInt(5)));
      add(all, encoder, command(0, "FCUnpublish", 6, null, "s?k=1"));
      add(all, encoder, command(0, "deleteStream", 7, null, 1.0));
      byte[] bytes = ByteBufUtil.getBytes(all);
      all.release();
      return bytes;
    }
  }

  private static RtmpMessage command(long stream, String name, double tx, Object... values) {
    return CommandCodec.command(ByteBufAllocator.DEFAULT, stream, name, tx, values);
  }

  private static void add(ByteBuf all, WireClient encoder, RtmpMessage message) {
    ByteBuf wire = encoder.encode(message);
    all.writeBytes(wire);
    wire.release();
  }
}
