package dev.kiln.rtmp.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.rtmp.protocol.amf.Amf0;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client commands decode, through the codec the ingest uses, to what servers read. */
class ClientCommandsTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @Test
  void connectCarriesAppTcUrlAndType() throws Exception {
    RtmpMessage m = ClientCommands.connect(ALLOC, 1, "live", "rtmp://h/live", List.of("hvc1"));
    Command c = CommandCodec.decodeCommand(m);
    m.release();
    assertThat(c.name()).isEqualTo("connect");
    assertThat(c.transactionId()).isEqualTo(1);
    assertThat(c.stringProperty("app")).isEqualTo("live");
    assertThat(c.stringProperty("tcUrl")).isEqualTo("rtmp://h/live");
    assertThat(c.stringProperty("type")).isEqualTo("nonprivate");
    assertThat(c.stringProperty("flashVer")).startsWith("FMLE/3.0");
    assertThat(c.commandObject().get("fourCcList")).isEqualTo(List.of("hvc1"));

    RtmpMessage plain = ClientCommands.connect(ALLOC, 1, "live", "rtmp://h/live", List.of());
    assertThat(CommandCodec.decodeCommand(plain).commandObject()).doesNotContainKey("fourCcList");
    plain.release();
  }

  @Test
  void publishSequence() throws Exception {
    check(ClientCommands.releaseStream(ALLOC, 2, "key?t=1"), "releaseStream", 0, "key?t=1");
    check(ClientCommands.fcPublish(ALLOC, 3, "key"), "FCPublish", 0, "key");
    check(ClientCommands.createStream(ALLOC, 4), "createStream", 0, null);
    RtmpMessage publish = ClientCommands.publish(ALLOC, 1, 5, "key", "live");
    assertThat(publish.chunkStreamId()).isEqualTo(ClientCommands.STREAM_COMMAND_CHUNK_STREAM);
    Command c = check(publish, "publish", 1, "key");
    assertThat(c.stringArgument(1)).isEqualTo("live");
    check(ClientCommands.fcUnpublish(ALLOC, 6, "key"), "FCUnpublish", 0, "key");
    Command delete = check(ClientCommands.deleteStream(ALLOC, 7, 1), "deleteStream", 0, null);
    assertThat(delete.argument(0)).isEqualTo(1.0);
  }

  @Test
  void setDataFrameCarriesAnEcmaArray() throws Exception {
    RtmpMessage m = ClientCommands.setDataFrame(ALLOC, 1, Map.of("width", 320.0));
    assertThat(m.typeId()).isEqualTo(MessageType.DATA_AMF0);
    assertThat(m.streamId()).isEqualTo(1);
    List<Object> values = CommandCodec.decodeValues(m);
    m.release();
    assertThat(values.get(0)).isEqualTo("@setDataFrame");
    assertThat(values.get(1)).isEqualTo("onMetaData");
    assertThat(values.get(2)).isInstanceOf(Amf0.EcmaArray.class)
        .isEqualTo(Map.of("width", 320.0));
  }

  @Test
  void userControlPingReadsBack() {
    RtmpMessage ping = ControlMessages.pingRequest(1234);
    ControlMessages.UserControlEvent event = ControlMessages.readUserControl(ping);
    ping.release();
    assertThat(event).isEqualTo(new ControlMessages.UserControlEvent(ControlMessages.PING_REQUEST, 1234));
    RtmpMessage tooShort = new RtmpMessage(MessageType.USER_CONTROL, 0, 0, Unpooled.buffer(2).writeShort(6));
    assertThat(ControlMessages.readUserControl(tooShort)).isNull();
    tooShort.release();
  }

  private static Command check(RtmpMessage m, String name, long streamId, String firstArgument)
      throws Exception {
    try {
      Command c = CommandCodec.decodeCommand(m);
      assertThat(c.name()).isEqualTo(name);
      assertThat(m.streamId()).isEqualTo(streamId);
      assertThat(c.commandObject()).isNull();
      assertThat(c.stringArgument(0)).isEqualTo(firstArgument);
      return c;
    } finally {
      m.release();
    }
  }
}
