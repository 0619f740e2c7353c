package dev.kiln.push.internal.rtmp;

import dev.kiln.rtmp.protocol.amf.AmfDecodeException;
import dev.kiln.rtmp.protocol.handshake.HandshakeHandler;
import dev.kiln.rtmp.protocol.message.ClientCommands;
import dev.kiln.rtmp.protocol.message.Command;
import dev.kiln.rtmp.protocol.message.CommandCodec;
import dev.kiln.rtmp.protocol.message.ControlMessages;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one publish, on the connection's event loop: after the handshake it sends
 * Set Chunk Size, {@code connect}, {@code releaseStream}, {@code FCPublish},
 * {@code createStream} and {@code publish}, reads the server's answers and control messages
 * (pings are answered here; Set Chunk Size and Window Acknowledgement Size are handled by the
 * chunk decoder), and at the end sends {@code FCUnpublish} and {@code deleteStream}.
 */
final class PublishHandler extends ChannelInboundHandlerAdapter {
  /** The chunk size Kiln sends with, announced before anything else. */
  static final int CHUNK_SIZE = 4096;
  /** How long an orderly close waits for its last commands to be written. */
  static final long CLOSE_GRACE_MILLIS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);
  private static final double TX_CONNECT = 1;
  private static final double TX_RELEASE_STREAM = 2;
  private static final double TX_FC_PUBLISH = 3;
  private static final double TX_CREATE_STREAM = 4;
  private static final double TX_PUBLISH = 5;
  private static final double TX_FC_UNPUBLISH = 6;
  private static final double TX_DELETE_STREAM = 7;

  /** What the connection waits for; a timeout message names it. */
  enum Stage {
    HANDSHAKE("the RTMP handshake"),
    CONNECT("the answer to connect"),
    CREATE_STREAM("the answer to createStream"),
    PUBLISH("NetStream.Publish.Start"),
    PUBLISHING("nothing"),
    CLOSING("nothing");

    final String waitingFor;

    Stage(String waitingFor) {
      this.waitingFor = waitingFor;
    }
  }

  private final RtmpPushTarget target;
  private final RtmpEndpoint endpoint;
  private final List<String> fourCcs;
  private volatile Stage stage = Stage.HANDSHAKE;
  private long streamId;

  PublishHandler(RtmpPushTarget target, RtmpEndpoint endpoint, List<String> fourCcs) {
    this.target = target;
    this.endpoint = endpoint;
    this.fourCcs = fourCcs;
  }

  Stage stage() {
    return stage;
  }

  /** The message stream the publish runs on (valid once publishing). */
  long streamId() {
    return streamId;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == HandshakeHandler.HandshakeCompleted.INSTANCE) {
      stage = Stage.CONNECT;
      ctx.write(ControlMessages.setChunkSize(CHUNK_SIZE));
      ctx.writeAndFlush(ClientCommands.connect(
          ctx.alloc(), TX_CONNECT, endpoint.app(), endpoint.tcUrl(), fourCcs));
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof RtmpMessage message)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      switch (message.typeId()) {
        case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 ->
            onCommand(ctx, CommandCodec.decodeCommand(message));
        case MessageType.USER_CONTROL -> onUserControl(ctx, message);
        default -> LOG.trace("{}: ignoring {}", endpoint.describe(), message);
      }
    } catch (AmfDecodeException e) {
      target.fail("unreadable command from " + endpoint.address() + ": " + e.getMessage(), e);
      ctx.close();
    } finally {
      message.release();
    }
  }

  private void onUserControl(ChannelHandlerContext ctx, RtmpMessage message) {
    ControlMessages.UserControlEvent event = ControlMessages.readUserControl(message);
    if (event != null && event.event() == ControlMessages.PING_REQUEST) {
      ctx.writeAndFlush(ControlMessages.pingResponse(event.value()));
    }
  }

  private void onCommand(ChannelHandlerContext ctx, Command command) {
    switch (command.name()) {
      case "_result" -> onResult(ctx, command);
      case "_error" -> onError(ctx, command);
      case "onStatus" -> onStatus(ctx, command);
      default -> LOG.debug("{}: ignoring command {}", endpoint.describe(), command.name());
    }
  }

  private void onResult(ChannelHandlerContext ctx, Command command) {
    double tx = command.transactionId();
    if (tx == TX_CONNECT && stage == Stage.CONNECT) {
      stage = Stage.CREATE_STREAM;
      ctx.write(ClientCommands.releaseStream(ctx.alloc(), TX_RELEASE_STREAM, endpoint.streamName()));
      ctx.write(ClientCommands.fcPublish(ctx.alloc(), TX_FC_PUBLISH, endpoint.streamName()));
      ctx.writeAndFlush(ClientCommands.createStream(ctx.alloc(), TX_CREATE_STREAM));
    } else if (tx == TX_CREATE_STREAM && stage == Stage.CREATE_STREAM) {
      if (!(command.argument(0) instanceof Double id)) {
        refuse(ctx, "createStream", command);
        return;
      }
      streamId = id.longValue();
      stage = Stage.PUBLISH;
      ctx.writeAndFlush(ClientCommands.publish(
          ctx.alloc(), streamId, TX_PUBLISH, endpoint.streamName(), "live"));
    }
  }

  private void onError(ChannelHandlerContext ctx, Command command) {
    double tx = command.transactionId();
    if (tx == TX_CONNECT) {
      refuse(ctx, "connect to app '" + endpoint.app() + "'", command);
    } else if (tx == TX_CREATE_STREAM || tx == TX_PUBLISH) {
      refuse(ctx, tx == TX_PUBLISH ? "the publish of '" + endpoint.streamName() + "'"
          : "createStream", command);
    } else {
      // releaseStream and FCPublish are optional; servers that do not know them answer _error.
      LOG.debug("{}: _error for transaction {}: {}", endpoint.describe(), tx, status(command));
    }
  }

  private void onStatus(ChannelHandlerContext ctx, Command command) {
    Map<String, Object> info = info(command);
    String code = string(info, "code");
    String level = string(info, "level");
    if ("NetStream.Publish.Start".equals(code) && stage == Stage.PUBLISH) {
      stage = Stage.PUBLISHING;
      target.publishing(ctx, streamId);
      return;
    }
    boolean error = "error".equalsIgnoreCase(level) || code.endsWith(".BadName")
        || code.endsWith(".Failed") || code.endsWith(".Rejected");
    if (!error || stage == Stage.CLOSING) {
      LOG.debug("{}: onStatus {} {}", endpoint.describe(), level, code);
      return;
    }
    if (stage == Stage.PUBLISHING) {
      target.fail(endpoint.address() + " ended the publish: " + status(command), null);
      ctx.close();
    } else {
      refuse(ctx, "the publish of '" + endpoint.streamName() + "'", command);
    }
  }

  private void refuse(ChannelHandlerContext ctx, String what, Command command) {
    target.fail(endpoint.address() + " refused " + what + ": " + status(command), null);
    ctx.close();
  }

  /**
   * Ends the publish in order where it is up ({@code FCUnpublish}, {@code deleteStream}), then
   * closes the connection once those are written or after {@link #CLOSE_GRACE_MILLIS}.
   * Call on the event loop.
   */
  void unpublishAndClose(ChannelHandlerContext ctx) {
    Stage was = stage;
    stage = Stage.CLOSING;
    if (was != Stage.PUBLISHING || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    ctx.write(ClientCommands.fcUnpublish(ctx.alloc(), TX_FC_UNPUBLISH, endpoint.streamName()));
    ctx.writeAndFlush(ClientCommands.deleteStream(ctx.alloc(), TX_DELETE_STREAM, streamId))
        .addListener(ChannelFutureListener.CLOSE);
    ctx.executor().schedule(() -> {
      ctx.close();
    }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    target.fail(RtmpFailures.describe(endpoint, stage, cause), cause);
    ctx.close();
  }

  private static Map<String, Object> info(Command command) {
    for (Object argument : command.arguments()) {
      if (argument instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) map;
        return typed;
      }
    }
    return Map.of();
  }

  private static String string(Map<String, Object> info, String key) {
    return info.get(key) instanceof String s ? s : "";
  }

  /** "code (description)" of an onStatus or _error, or what there is of it. */
  static String status(Command command) {
    Map<String, Object> info = info(command);
    String code = string(info, "code");
    String description = string(info, "description");
    if (code.isEmpty() && description.isEmpty()) {
      return "no reason given";
    }
    if (code.isEmpty() || description.isEmpty()) {
      return code + description;
    }
    return code + " (" + description + ")";
  }
}
