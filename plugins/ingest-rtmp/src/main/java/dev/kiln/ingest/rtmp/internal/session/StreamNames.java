package dev.kiln.ingest.rtmp.internal.session;

/** Splits the names RTMP clients send ({@code stream?key=abc}) into name and query. */
final class StreamNames {
  private StreamNames() {}

  /** The part before the first {@code ?}, without surrounding slashes. */
  static String name(String raw) {
    int q = raw.indexOf('?');
    String name = q < 0 ? raw : raw.substring(0, q);
    int start = 0;
    int end = name.length();
    while (start < end && name.charAt(start) == '/') {
      start++;
    }
    while (end > start && name.charAt(end - 1) == '/') {
      end--;
    }
    return name.substring(start, end);
  }

  /** The part after the first {@code ?}, or an empty string. */
  static String query(String raw) {
    int q = raw.indexOf('?');
    return q < 0 ? "" : raw.substring(q + 1);
  }
}
