package dev.kiln.osgi;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Version;

/** Turns the version strings found in jars (Maven or OSGi) into valid OSGi versions. */
final class OsgiVersions {

  // major[.minor[.micro]] then anything, which becomes the qualifier.
  private static final Pattern LENIENT =
      Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:[.\\-_+]?(.*))?");
  private static final Pattern NOT_QUALIFIER = Pattern.compile("[^A-Za-z0-9_-]");

  private OsgiVersions() {}

  /**
   * {@code 1.85.1} → 1.85.1, {@code 4.2.7.Final} → 4.2.7.Final, {@code 1.0-SNAPSHOT} →
   * 1.0.0.SNAPSHOT, {@code 7.1.1-1.5.12} → 7.1.1.1_5_12; empty when the text does not start with
   * a number.
   */
  static Optional<Version> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = LENIENT.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      String rest = m.group(4);
      String qualifier = rest == null ? "" : NOT_QUALIFIER.matcher(rest).replaceAll("_");
      return Optional.of(
          new Version(number(m.group(1)), number(m.group(2)), number(m.group(3)), qualifier));
    } catch (IllegalArgumentException e) { // a number too large for an int
      return Optional.empty();
    }
  }

  private static int number(String digits) {
    return digits == null ? 0 : Integer.parseInt(digits);
  }
}
