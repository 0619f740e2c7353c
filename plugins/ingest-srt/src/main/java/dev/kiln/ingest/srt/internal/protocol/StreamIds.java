package dev.kiln.ingest.srt.internal.protocol;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads where a caller publishes from its stream id. Three forms are understood:
 * <ul>
 *   <li>{@code {vhost}/{app}/{stream}}, URL-decoded ({@code default%2Fapp%2Fs1} works too);</li>
 *   <li>the access-control syntax {@code #!::r={vhost}/{app}/{stream},m=publish,u=…}
 *       ({@code m=request}, playing, is refused: this is an ingest);</li>
 *   <li>OME's deprecated URL-encoded {@code srt://host:port/{app}/{stream}}: the virtual host
 *       is the one whose host names match {@code host}.</li>
 * </ul>
 */
public final class StreamIds {
  /** Longest stream id the protocol carries (512 bytes). */
  public static final int MAX_LENGTH = 512;

  private StreamIds() {}

  /**
   * Where a stream goes. Exactly one of {@code vhost} and {@code host} is set: the virtual host
   * by name, or a host name to resolve into one.
   *
   * @param user the {@code u=} of the access-control syntax, or null
   */
  public record Target(String vhost, String host, String app, String stream, String user) {}

  /** @throws IllegalArgumentException naming what is wrong with the stream id */
  public static Target parse(String streamId) {
    if (streamId == null || streamId.isEmpty()) {
      throw new IllegalArgumentException("no stream id; expected {vhost}/{app}/{stream}");
    }
    if (streamId.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("stream id longer than " + MAX_LENGTH + " characters");
    }
    String user = null;
    if (streamId.regionMatches(true, 0, "%23!::", 0, 6)) {
      streamId = decode(streamId); // the whole access-control string URL-encoded
    }
    String resource = streamId;
    if (streamId.startsWith("#!::")) {
      Map<String, String> keys = accessControl(streamId.substring(4));
      String mode = keys.getOrDefault("m", "publish");
      if (!mode.equals("publish") && !mode.equals("bidirectional")) {
        throw new IllegalArgumentException("mode m=" + mode + " is not offered: this listener only takes publishers");
      }
      resource = keys.get("r");
      user = keys.get("u");
      if (resource == null || resource.isEmpty()) {
        throw new IllegalArgumentException("stream id " + streamId + " has no r= resource");
      }
    }
    String decoded = decode(resource);
    if (decoded.regionMatches(true, 0, "srt://", 0, 6)) {
      return fromUrl(decoded, user);
    }
    String[] parts = decoded.split("/", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("stream id " + streamId + " is not {vhost}/{app}/{stream}");
    }
    return new Target(name(parts[0], "virtual host"), null, name(parts[1], "application"),
        name(stripQuery(parts[2]), "stream"), user);
  }

  private static Target fromUrl(String url, String user) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw new IllegalArgumentException("stream id " + url + " is not a valid srt:// URL");
    }
    String host = uri.getHost();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[0];
    if (host == null || parts.length != 2) {
      throw new IllegalArgumentException("stream id " + url + " is not srt://host:port/{app}/{stream}");
    }
    return new Target(null, host, name(decode(parts[0]), "application"),
        name(decode(parts[1]), "stream"), user);
  }

  private static Map<String, String> accessControl(String body) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String item : body.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("stream id item '" + item + "' is not key=value");
      }
      keys.putIfAbsent(item.substring(0, eq).trim(), item.substring(eq + 1));
    }
    return keys;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("stream id " + s + " has a malformed %-escape");
    }
  }

  private static String stripQuery(String s) {
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  private static String name(String s, String what) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " name in the stream id is empty");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw new IllegalArgumentException("the " + what + " name in the stream id has a control character");
      }
    }
    return s;
  }
}
