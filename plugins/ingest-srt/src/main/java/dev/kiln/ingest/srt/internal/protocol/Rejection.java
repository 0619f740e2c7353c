package dev.kiln.ingest.srt.internal.protocol;

/**
 * Why a connection is refused: the reason code a caller sees ({@code srt_getrejectreason}),
 * sent in the conclusion reply as handshake type {@code 1000 + code}. Codes below 1000 are the
 * protocol's own; 1400-1599 are the access-control codes (HTTP-like) for stream id decisions.
 *
 * @param code    the reason code
 * @param message what Kiln logs
 */
public record Rejection(int code, String message) {
  public static final int RESOURCE = 3;
  public static final int ROGUE = 4;
  public static final int VERSION = 8;
  public static final int BADSECRET = 10;
  public static final int UNSECURE = 11;
  public static final int MESSAGEAPI = 12;
  public static final int CONGESTION = 13;
  public static final int FILTER = 14;
  public static final int GROUP = 15;
  public static final int CRYPTO = 17;
  /** Access control: the stream id cannot be understood. */
  public static final int BAD_REQUEST = 1400;
  /** Access control: the mode asked for (playing) is not offered. */
  public static final int BAD_MODE = 1405;
  /** Access control: no such application. */
  public static final int NOT_FOUND = 1404;
  /** Access control: the stream name is in use. */
  public static final int CONFLICT = 1409;
  /** Access control: too many connections. */
  public static final int OVERLOAD = 1503;

  public static Rejection of(int code, String message) {
    return new Rejection(code, message);
  }

  /** The handshake type that carries this rejection. */
  public int handshakeType() {
    return Handshake.REJECTION_BASE + code;
  }
}
