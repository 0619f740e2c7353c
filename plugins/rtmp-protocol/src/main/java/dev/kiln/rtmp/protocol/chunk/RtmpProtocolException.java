package dev.kiln.rtmp.protocol.chunk;

import io.netty.handler.codec.DecoderException;

/** The peer broke the RTMP chunk protocol; the connection is closed. */
public final class RtmpProtocolException extends DecoderException {
  private static final long serialVersionUID = 1L;

  public RtmpProtocolException(String message) {
    super(message);
  }
}
