package dev.kiln.ingest.rtmp.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.kiln.ingest.rtmp.LogCapture;
import dev.kiln.rtmp.protocol.amf.Amf0;
import dev.kiln.rtmp.protocol.message.Command;
import dev.kiln.rtmp.protocol.message.ControlMessages;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RtmpSessionTest {
  private LogCapture log;
  private WireClient client;

  @BeforeEach
  void captureLog() {
    log = LogCapture.of("dev.kiln.ingest.rtmp");
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    log.close();
  }

  @Test
  void publishFlowAsFfmpegSendsIt() {
    RecordingListener listener = new RecordingListener();
    client = new WireClient(listener.factory()).handshake();
    assertThat(client.received()).isEmpty();
    assertThat(client.serverChunkSize()).as("Set Chunk Size sent first").isEqualTo(4096);

    connect(client, "app?secret=1");
    List<RtmpMessage> connectReplies = client.received();
    try {
      assertThat(connectReplies).extracting(RtmpMessage::typeId)
          .containsExactly(MessageType.SET_PEER_BANDWIDTH, MessageType.COMMAND_AMF0);
    } finally {
      connectReplies.forEach(RtmpMessage::release);
    }

    client.command(0, "releaseStream", 2, null, "stream?key=abc");
    client.command(0, "FCPublish", 3, null, "stream?key=abc");
    client.command(0, "createStream", 4, (Object) null);
    List<Command> replies = client.receivedCommands();
    assertThat(replies).extracting(Command::name).containsExactly("_result", "onFCPublish", "_result");
    assertThat(replies.get(2).transactionId()).isEqualTo(4);
    assertThat(replies.get(2).argument(0)).isEqualTo(1.0);

    client.command(1, "publish", 5, null, "stream?key=abc", "live");
    assertThat(listener.published).isCompletedWithValue(new RecordingListener.Publish(
        "app", "stream", "key=abc", "rtmp://127.0.0.1:1935/app?secret=1", client.server.remoteAddress()));
    List<RtmpMessage> publishReplies = client.received();
    try {
      assertThat(publishReplies).extracting(RtmpMessage::typeId)
          .containsExactly(MessageType.USER_CONTROL, MessageType.COMMAND_AMF0);
      ByteBuf streamBegin = publishReplies.get(0).content();
      assertThat(streamBegin.getShort(0)).isEqualTo((short) ControlMessages.STREAM_BEGIN);
      assertThat(streamBegin.getInt(2)).isEqualTo(1);
    } finally {
      publishReplies.forEach(RtmpMessage::release);
    }
    assertThat(client.session.isPublishing()).isTrue();
    assertThat(client.session.streamName()).isEqualTo("stream");

    Map<String, Object> meta = new Amf0.EcmaArray(Map.of("width", 1280.0, "height", 720.0));
    client.send(new RtmpMessage(5, MessageType.DATA_AMF0, 1, 0,
        dataPayload("@setDataFrame", "onMetaData", meta)));
    client.media(MessageType.VIDEO, 0, (byte) 0x17, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 1);
    client.media(MessageType.AUDIO, 0, (byte) 0xAF, (byte) 0, (byte) 0x11, (byte) 0x90);
    client.media(MessageType.VIDEO, 33, (byte) 0x27, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 0,
        (byte) 0, (byte) 0, (byte) 1, (byte) 0x41);

    assertThat(listener.metadata).containsExactly(meta);
    assertThat(listener.video).hasSize(2);
    assertThat(listener.audioConfigs()).hasSize(1);
    assertThat(listener.frames().get(0).dts()).isEqualTo(33);

    client.command(0, "FCUnpublish", 6, null, "stream?key=abc");
    client.command(0, "deleteStream", 7, null, 1.0);
    assertThat(listener.unpublishReasons).containsExactly("unpublished by the client (FCUnpublish)");
    client.server.close();
    assertThat(listener.unpublishReasons).hasSize(1);
    assertThat(log.messages(Level.WARN)).isEmpty();
  }

  @Test
  void rejectedPublishGetsTheListenersCodeAndTheConnectionCloses() {
    RecordingListener listener = new RecordingListener(
        () -> PublishDecision.reject("NetStream.Publish.BadName", "stream is already being published"));
    client = new WireClient(listener.factory()).handshake();
    connect(client, "app");
    client.command(0, "createStream", 2, (Object) null);
    client.receivedCommands();
    client.command(1, "publish", 3, null, "taken", "live");

    List<Command> replies = client.receivedCommands();
    assertThat(replies).hasSize(1);
    Command status = replies.get(0);
    assertThat(status.name()).isEqualTo("onStatus");
    Map<?, ?> info = (Map<?, ?>) status.argument(0);
    assertThat(info.get("level")).isEqualTo("error");
    assertThat(info.get("code")).isEqualTo("NetStream.Publish.BadName");
    assertThat(info.get("description")).isEqualTo("stream is already being published");
    assertThat(client.server.isOpen()).isFalse();
    assertThat(listener.unpublishReasons).isEmpty();
  }

  @Test
  void unknownCommandsGetAnErrorOnlyWhenTheyCarryATransactionId() {
    client = new WireClient(new RecordingListener().factory()).handshake();
    connect(client, "app");
    client.receivedCommands();
    client.command(0, "getStreamLength", 9, null, "x");
    client.command(0, "someNotification", 0, (Object) null);
    List<Command> replies = client.receivedCommands();
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0).name()).isEqualTo("_error");
    assertThat(replies.get(0).transactionId()).isEqualTo(9);
    assertThat(((Map<?, ?>) replies.get(0).argument(0)).get("code")).isEqualTo("NetConnection.Call.Failed");
    assertThat(client.server.isOpen()).isTrue();
  }

  @Test
  void pingRequestIsAnswered() {
    client = new WireClient(new RecordingListener().factory()).handshake();
    client.send(new RtmpMessage(2, MessageType.USER_CONTROL, 0, 0,
        Unpooled.buffer().writeShort(ControlMessages.PING_REQUEST).writeInt(123456)));
    List<RtmpMessage> replies = client.received();
    try {
      assertThat(replies).hasSize(1);
      ByteBuf p = replies.get(0).content();
      assertThat(p.getShort(0)).isEqualTo((short) ControlMessages.PING_RESPONSE);
      assertThat(p.getInt(2)).isEqualTo(123456);
    } finally {
      replies.forEach(RtmpMessage::release);
    }
  }

  @Test
  void playIsRefusedAndTheConnectionCloses() {
    client = new WireClient(new RecordingListener().factory()).handshake();
    connect(client, "app");
    client.receivedCommands();
    client.command(1, "play", 3, null, "stream");
    List<Command> replies = client.receivedCommands();
    assertThat(replies).extracting(Command::name).containsExactly("onStatus");
    assertThat(((Map<?, ?>) replies.get(0).argument(0)).get("code")).isEqualTo("NetStream.Play.Failed");
    assertThat(client.server.isOpen()).isFalse();
  }

  @Test
  void malformedCommandClosesWithAWarningAndEndsThePublish() {
    RecordingListener listener = new RecordingListener();
    client = publishing(listener);
    ByteBuf garbage = Unpooled.buffer().writeByte(2).writeShort(7).writeBytes("publ".getBytes());
    client.send(new RtmpMessage(3, MessageType.COMMAND_AMF0, 0, 0, garbage));
    assertThat(client.server.isOpen()).isFalse();
    assertThat(listener.unpublishReasons).singleElement().asString().startsWith("error: malformed AMF0");
    assertThat(log.messages(Level.WARN)).singleElement().asString()
        .contains("embedded").contains("malformed AMF0").contains("truncated");
  }

  @Test
  void chunkSizeOutOfRangeClosesWithAWarning() {
    RecordingListener listener = new RecordingListener();
    client = publishing(listener);
    ByteBuf bad = Unpooled.buffer().writeByte(0x02).writeMedium(0).writeMedium(4)
        .writeByte(MessageType.SET_CHUNK_SIZE).writeIntLE(0).writeInt(70_000);
    client.sendRaw(bad);
    assertThat(client.server.isOpen()).isFalse();
    assertThat(listener.unpublishReasons).hasSize(1);
    assertThat(log.messages(Level.WARN)).singleElement().asString()
        .contains("embedded").contains("Set Chunk Size 70000");
  }

  @Test
  void closeFromAnotherThreadEndsThePublishAndDropsTheConnection() throws Exception {
    RecordingListener listener = new RecordingListener();
    client = publishing(listener);
    CompletableFuture.runAsync(() -> listener.session.close("deleted through the API"))
        .get(5, TimeUnit.SECONDS);
    client.server.runPendingTasks();
    assertThat(client.server.isOpen()).isFalse();
    assertThat(listener.unpublishReasons).containsExactly("deleted through the API");
  }

  @Test
  void listenerThatThrowsClosesOnlyItsConnection() {
    RecordingListener listener = new RecordingListener();
    client = publishing(listener);
    listener.failOnVideo(new IllegalStateException("bus full"));
    client.media(MessageType.VIDEO, 0, (byte) 0x17, (byte) 1, (byte) 0, (byte) 0, (byte) 0);
    assertThat(client.server.isOpen()).isFalse();
    assertThat(listener.unpublishReasons).singleElement().asString().contains("bus full");
    assertThat(log.messages(Level.WARN)).singleElement().asString().contains("publish listener failed");
  }

  @Test
  void mediaBeforePublishIsDroppedAndReleased() {
    RecordingListener listener = new RecordingListener();
    client = new WireClient(listener.factory()).handshake();
    connect(client, "app");
    client.media(MessageType.VIDEO, 0, (byte) 0x17, (byte) 1, (byte) 0, (byte) 0, (byte) 0);
    assertThat(listener.video).isEmpty();
    assertThat(client.server.isOpen()).isTrue();
  }

  @Test
  void secondPublishOnOneConnectionIsRefused() {
    RecordingListener listener = new RecordingListener();
    client = publishing(listener);
    client.command(1, "publish", 9, null, "other", "live");
    List<Command> replies = client.receivedCommands();
    assertThat(replies).extracting(Command::name).containsExactly("onStatus");
    assertThat(((Map<?, ?>) replies.get(0).argument(0)).get("code"))
        .isEqualTo("NetStream.Publish.BadConnection");
    assertThat(client.server.isOpen()).isFalse();
    assertThat(listener.unpublishReasons).containsExactly("second publish on one connection");
  }

  private static WireClient publishing(RecordingListener listener) {
    WireClient c = new WireClient(listener.factory()).handshake();
    connect(c, "live");
    c.command(0, "createStream", 2, (Object) null);
    c.command(1, "publish", 3, null, "cam", "live");
    c.receivedCommands();
    assertThat(c.session.isPublishing()).isTrue();
    return c;
  }

  private static void connect(WireClient c, String app) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("app", app);
    object.put("type", "nonprivate");
    object.put("flashVer", "FMLE/3.0 (compatible; FMSc/1.0)");
    object.put("tcUrl", "rtmp://127.0.0.1:1935/" + app);
    c.command(0, "connect", 1, object);
  }

  private static ByteBuf dataPayload(Object... values) {
    ByteBuf buf = Unpooled.buffer();
    dev.kiln.rtmp.protocol.amf.Amf0Encoder.encodeAll(buf, values);
    return buf;
  }
}
