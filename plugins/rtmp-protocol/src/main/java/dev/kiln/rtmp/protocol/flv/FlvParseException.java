package dev.kiln.rtmp.protocol.flv;

/** An FLV tag body or codec configuration that is truncated or malformed. */
public final class FlvParseException extends Exception {
  private static final long serialVersionUID = 1L;

  public FlvParseException(String message) {
    super(message);
  }
}
