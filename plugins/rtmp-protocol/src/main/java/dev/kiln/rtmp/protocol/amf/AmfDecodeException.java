package dev.kiln.rtmp.protocol.amf;

/**
 * AMF input that is truncated, malformed or uses a feature Kiln does not decode. Carries no
 * stack trace: it describes the peer's bytes, not a fault in Kiln, and is cheap to throw.
 */
public final class AmfDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public AmfDecodeException(String message) {
    super(message, null, false, false);
  }
}
