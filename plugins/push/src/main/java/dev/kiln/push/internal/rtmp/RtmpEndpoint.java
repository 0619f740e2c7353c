package dev.kiln.push.internal.rtmp;

import java.net.URI;
import java.util.Locale;

/**
 * Where an RTMP push connects and what it asks for, from the target URL and stream key.
 *
 * <p>{@code rtmp://host[:1935]/app[/more][?query]} with key {@code k}: app = the whole path
 * without its leading slash ({@code app/more}, query included as given), tcUrl = the URL without
 * a trailing slash, publish name = the key as given (a query such as {@code k?token=x} goes as
 * is). With an empty key the last path segment is the publish name and the rest the app, so a
 * URL that already ends with its key works too. {@code rtmps://} defaults to port 443 and TLS.
 *
 * @param host the host name or address literal, as in the URL
 */
record RtmpEndpoint(String host, int port, boolean tls, String app, String tcUrl,
    String streamName) {
  static final int RTMP_PORT = 1935;
  static final int RTMPS_PORT = 443;

  /** {@code host:port}, for messages. */
  String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The URL without the key, for messages ({@code rtmp://host:port/app}). */
  String describe() {
    return (tls ? "rtmps://" : "rtmp://") + address() + "/" + app;
  }

  /**
   * Parses a target URL and key.
   *
   * @throws IllegalArgumentException naming what is wrong: scheme, host, port, app or key
   */
  static RtmpEndpoint of(URI url, String streamKey) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    boolean tls;
    switch (scheme) {
      case "rtmp" -> tls = false;
      case "rtmps" -> tls = true;
      default -> throw new IllegalArgumentException(
          "url: an RTMP target must start with rtmp:// or rtmps://, got " + url);
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("url: no host in " + url);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = url.getPort() == -1 ? (tls ? RTMPS_PORT : RTMP_PORT) : url.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("url: port " + port + " outside 1..65535");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String key = streamKey == null ? "" : streamKey;
    if (key.isEmpty()) {
      int slash = path.lastIndexOf('/');
      if (slash <= 0) {
        throw new IllegalArgumentException(
            "streamKey: no stream key given and none in the url's path " + url);
      }
      key = path.substring(slash + 1);
      path = path.substring(0, slash);
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException("url: no application in the path of " + url
          + " (expected rtmp://host/app)");
    }
    String query = url.getRawQuery();
    String app = query == null ? path : path + "?" + query;
    String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        + (url.getPort() == -1 ? "" : ":" + port);
    String tcUrl = scheme + "://" + authority + "/" + app;
    return new RtmpEndpoint(host, port, tls, app, tcUrl, key);
  }
}
