package dev.kiln.ingest.rtmp.internal.bridge;

import java.util.Locale;

/** The host part of a connect command's {@code tcUrl}, for virtual host matching. */
final class TcUrls {
  private TcUrls() {}

  /**
   * {@code rtmp://user@Example.com:1935/app?x} gives {@code example.com}; {@code [::1]} gives
   * {@code ::1}; a tcUrl without {@code ://} (or empty) gives an empty string.
   */
  static String host(String tcUrl) {
    if (tcUrl == null) {
      return "";
    }
    int scheme = tcUrl.indexOf("://");
    if (scheme < 0) {
      return "";
    }
    int start = scheme + 3;
    int end = start;
    while (end < tcUrl.length() && "/?#".indexOf(tcUrl.charAt(end)) < 0) {
      end++;
    }
    String authority = tcUrl.substring(start, end);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    String host;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      host = close < 0 ? authority.substring(1) : authority.substring(1, close);
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
    }
    return host.toLowerCase(Locale.ROOT);
  }
}
