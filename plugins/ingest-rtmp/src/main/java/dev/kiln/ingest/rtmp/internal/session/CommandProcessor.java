package dev.kiln.ingest.rtmp.internal.session;

import dev.kiln.rtmp.protocol.message.Command;
import dev.kiln.rtmp.protocol.message.ControlMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetConnection and NetStream commands of a publishing client: connect, releaseStream,
 * FCPublish, createStream, publish, FCUnpublish, deleteStream and closeStream. Play is refused.
 * Unknown commands get {@code _error} when they carry a transaction id, else are ignored.
 */
final class CommandProcessor {
  /** Window Acknowledgement Size and Set Peer Bandwidth sent after connect. */
  static final int WINDOW_SIZE = 2_500_000;

  private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);

  private final RtmpSession session;
  private boolean connected;
  private String tcUrl = "";
  private int lastStreamId;
  private long publishStreamId;
  private String rawStreamName = "";

  CommandProcessor(RtmpSession session) {
    this.session = session;
  }

  void handle(Command command, long messageStreamId) {
    LOG.debug("RTMP {}: command {} (transaction {})", session.peer(), command.name(),
        command.transactionId());
    switch (command.name()) {
      case "connect" -> connect(command);
      case "releaseStream" -> answerIfAsked(command);
      case "FCPublish" -> fcPublish(command);
      case "createStream" -> createStream(command);
      case "publish" -> publish(command, messageStreamId);
      case "FCUnpublish" -> unpublish(command, "unpublished by the client (FCUnpublish)");
      case "deleteStream" -> unpublish(command, "stream deleted by the client (deleteStream)");
      case "closeStream" -> unpublish(command, "stream closed by the client (closeStream)");
      case "play", "play2" -> session.writeAndClose(
          Replies.onStatus(session.alloc(), messageStreamId, "error", Replies.PLAY_FAILED,
              "Playback over RTMP is not supported by this server."),
          "client asked to play, which is not supported");
      case "_result", "_error", "onStatus", "onBWDone", "_checkbw" ->
          LOG.debug("RTMP {}: ignoring {}", session.peer(), command.name());
      default -> unknown(command);
    }
  }

  private void connect(Command command) {
    if (connected) {
      session.fail("second connect on one connection");
      return;
    }
    if (command.commandObject() == null) {
      session.fail("connect without a command object");
      return;
    }
    String app = command.stringProperty("app");
    if (app == null) {
      app = "";
    }
    app = StreamNames.name(app);
    String url = command.stringProperty("tcUrl");
    tcUrl = url == null ? "" : url;
    double objectEncoding =
        command.commandObject().get("objectEncoding") instanceof Double d ? d : 0.0;
    boolean enhanced = command.commandObject().containsKey("fourCcList")
        || command.commandObject().containsKey("videoFourCcInfoMap");
    connected = true;
    session.connected(app);
    LOG.debug("RTMP {}: connect app={} tcUrl={}", session.peer(), app, tcUrl);
    session.write(ControlMessages.windowAckSize(WINDOW_SIZE));
    session.write(ControlMessages.setPeerBandwidth(WINDOW_SIZE, ControlMessages.LIMIT_DYNAMIC));
    session.write(Replies.connectResult(
        session.alloc(), command.transactionId(), objectEncoding, enhanced));
  }

  private void fcPublish(Command command) {
    String name = command.stringArgument(0);
    session.write(Replies.onFcPublish(session.alloc(), name == null ? "" : name));
  }

  private void createStream(Command command) {
    if (!requireConnected(command)) {
      return;
    }
    lastStreamId++;
    session.write(Replies.result(session.alloc(), command.transactionId(), (double) lastStreamId));
  }

  private void publish(Command command, long messageStreamId) {
    if (!requireConnected(command)) {
      return;
    }
    String raw = command.stringArgument(0);
    long streamId = messageStreamId != 0 ? messageStreamId : Math.max(lastStreamId, 1);
    if (raw == null || StreamNames.name(raw).isEmpty()) {
      session.writeAndClose(
          Replies.onStatus(session.alloc(), streamId, "error", PublishDecision.BAD_NAME,
              "No stream name given."),
          "publish without a stream name");
      return;
    }
    if (session.hasAskedToPublish()) {
      session.writeAndClose(
          Replies.onStatus(session.alloc(), streamId, "error", Replies.PUBLISH_BAD_CONNECTION,
              "One publish per connection."),
          "second publish on one connection");
      return;
    }
    String name = StreamNames.name(raw);
    PublishDecision decision = session.requestPublish(name, StreamNames.query(raw), tcUrl);
    if (decision == null) {
      return; // the session has already failed
    }
    if (decision.accepted()) {
      publishStreamId = streamId;
      rawStreamName = raw;
      session.write(ControlMessages.streamBegin(streamId));
      session.write(Replies.onStatus(session.alloc(), streamId, "status", Replies.PUBLISH_START,
          name + " is now published."));
    } else {
      session.writeAndClose(
          Replies.onStatus(session.alloc(), streamId, "error", decision.code(),
              decision.description()),
          "publish refused: " + decision.code());
    }
  }

  private void unpublish(Command command, String reason) {
    boolean wasPublishing = session.isPublishing();
    session.endPublish(reason);
    if (wasPublishing && "FCUnpublish".equals(command.name())) {
      session.write(Replies.onFcUnpublish(session.alloc(), rawStreamName));
    } else if (wasPublishing && "closeStream".equals(command.name())) {
      session.write(Replies.onStatus(session.alloc(), publishStreamId, "status",
          Replies.UNPUBLISH_SUCCESS, session.streamName() + " is now unpublished."));
    }
  }

  private void answerIfAsked(Command command) {
    if (command.expectsAnswer()) {
      session.write(Replies.result(session.alloc(), command.transactionId(), Replies.undefined()));
    }
  }

  private void unknown(Command command) {
    if (command.expectsAnswer()) {
      LOG.debug("RTMP {}: answering unknown command {} with _error", session.peer(),
          command.name());
      session.write(Replies.error(session.alloc(), command.transactionId(), Replies.CALL_FAILED,
          "Unknown command '" + command.name() + "'."));
    } else {
      LOG.debug("RTMP {}: ignoring unknown command {}", session.peer(), command.name());
    }
  }

  private boolean requireConnected(Command command) {
    if (!connected) {
      session.fail(command.name() + " before connect");
      return false;
    }
    return true;
  }
}
