package dev.kiln.ingest.rtmp.internal.session;

import dev.kiln.rtmp.protocol.amf.Amf0;
import dev.kiln.rtmp.protocol.message.CommandCodec;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command messages the session sends back. */
final class Replies {
  static final String CONNECT_SUCCESS = "NetConnection.Connect.Success";
  static final String CALL_FAILED = "NetConnection.Call.Failed";
  static final String PUBLISH_START = "NetStream.Publish.Start";
  static final String UNPUBLISH_SUCCESS = "NetStream.Unpublish.Success";
  static final String PLAY_FAILED = "NetStream.Play.Failed";
  static final String PUBLISH_BAD_CONNECTION = "NetStream.Publish.BadConnection";

  /** Enhanced RTMP codecs the FLV parsers understand, announced to clients that ask. */
  static final List<Object> FOUR_CC_LIST = List.of("hvc1", "avc1", "av01", "vp09");

  private Replies() {}

  static RtmpMessage connectResult(ByteBufAllocator alloc, double transactionId,
      double objectEncoding, boolean enhanced) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("fmsVer", "FMS/3,5,7,7009");
    properties.put("capabilities", 31.0);
    properties.put("mode", 1.0);
    if (enhanced) {
      properties.put("fourCcList", FOUR_CC_LIST);
    }
    Map<String, Object> info = status("status", CONNECT_SUCCESS, "Connection succeeded.");
    info.put("objectEncoding", objectEncoding);
    return CommandCodec.command(alloc, 0, "_result", transactionId, properties, info);
  }

  static RtmpMessage result(ByteBufAllocator alloc, double transactionId, Object value) {
    return CommandCodec.command(alloc, 0, "_result", transactionId, null, value);
  }

  static RtmpMessage error(ByteBufAllocator alloc, double transactionId, String code,
      String description) {
    return CommandCodec.command(
        alloc, 0, "_error", transactionId, null, status("error", code, description));
  }

  static RtmpMessage onStatus(ByteBufAllocator alloc, long streamId, String level, String code,
      String description) {
    return CommandCodec.command(
        alloc, streamId, "onStatus", 0, null, status(level, code, description));
  }

  static RtmpMessage onFcPublish(ByteBufAllocator alloc, String streamName) {
    return CommandCodec.command(
        alloc, 0, "onFCPublish", 0, null, status("status", PUBLISH_START, streamName));
  }

  static RtmpMessage onFcUnpublish(ByteBufAllocator alloc, String streamName) {
    return CommandCodec.command(
        alloc, 0, "onFCUnpublish", 0, null, status("status", UNPUBLISH_SUCCESS, streamName));
  }

  static Object undefined() {
    return Amf0.UNDEFINED;
  }

  private static Map<String, Object> status(String level, String code, String description) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("level", level);
    info.put("code", code);
    info.put("description", description);
    return info;
  }
}
