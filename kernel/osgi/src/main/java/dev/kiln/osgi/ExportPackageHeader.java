package dev.kiln.osgi;

import java.util.ArrayList;
import java.util.List;

/** The package names and versions in an OSGi {@code Export-Package} manifest header. */
final class ExportPackageHeader {

  /** One exported package; {@code version} is null when the clause gives none. */
  record Export(String packageName, String version) {}

  private ExportPackageHeader() {}

  /**
   * Parses {@code p1;p2;version="1.0";uses:="a,b",p3;version=2}. Directives are dropped, and so
   * are attributes other than {@code version} (or the legacy {@code specification-version}).
   */
  static List<Export> parse(String header) {
    List<Export> exports = new ArrayList<>();
    for (String clause : split(header, ',')) {
      List<String> names = new ArrayList<>();
      String version = null;
      String specificationVersion = null;
      for (String part : split(clause, ';')) {
        int eq = part.indexOf('=');
        if (eq < 0) {
          names.add(part);
        } else if (eq > 0 && part.charAt(eq - 1) != ':') {
          String key = attributeName(part.substring(0, eq));
          String value = unquote(part.substring(eq + 1).trim());
          if (key.equals("version")) {
            version = value;
          } else if (key.equals("specification-version")) {
            specificationVersion = value;
          }
        }
      }
      String effective = version != null ? version : specificationVersion;
      names.forEach(name -> exports.add(new Export(name, effective)));
    }
    return exports;
  }

  /** {@code version:Version} → {@code version}. */
  private static String attributeName(String key) {
    int colon = key.indexOf(':');
    return (colon < 0 ? key : key.substring(0, colon)).trim();
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  /** Splits on {@code separator} outside double quotes; trims and drops empty parts. */
  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        addTrimmed(parts, current);
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    addTrimmed(parts, current);
    return parts;
  }

  private static void addTrimmed(List<String> parts, StringBuilder part) {
    String trimmed = part.toString().trim();
    if (!trimmed.isEmpty()) {
      parts.add(trimmed);
    }
  }
}
