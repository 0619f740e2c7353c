package dev.kiln.push.internal.rtmp;

import dev.kiln.rtmp.protocol.handshake.HandshakeHandler;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** Turns connection failures into messages fit for a push's {@code message} field. */
final class RtmpFailures {
  private RtmpFailures() {}

  static String describe(RtmpEndpoint endpoint, PublishHandler.Stage stage, Throwable cause) {
    Throwable root = unwrap(cause);
    String address = endpoint.address();
    String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (root instanceof UnknownHostException) {
      return "cannot resolve host " + endpoint.host();
    }
    if (root instanceof ConnectTimeoutException) {
      return "connection to " + address + " timed out";
    }
    if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
      return detail.toLowerCase(java.util.Locale.ROOT).contains("refused")
          ? "connection refused by " + address
          : "cannot connect to " + address + ": " + detail;
    }
    if (root instanceof SSLException) {
      return "TLS handshake with " + address + " failed: " + detail;
    }
    if (root instanceof HandshakeHandler.HandshakeException) {
      return address + " is not an RTMP server: " + detail;
    }
    if (stage == PublishHandler.Stage.PUBLISHING) {
      return "connection to " + address + " lost: " + detail;
    }
    return "connection to " + address + " failed while waiting for " + stage.waitingFor + ": "
        + detail;
  }

  private static Throwable unwrap(Throwable cause) {
    Throwable t = cause;
    while ((t instanceof DecoderException || t.getClass() == RuntimeException.class
        || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    // An SSLException may sit under another layer (SSLHandshakeException's cause chain).
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return c;
      }
    }
    return t;
  }
}
