package dev.kiln.osgi;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** Logs an event as one line, with a failure's causes summarized on that line. */
final class LogLines {

  private LogLines() {}

  /**
   * Logs {@code message} at {@code level}. A {@code failure} is appended as one line of
   * {@code Type: message} for it and each cause; its stack trace is logged only when the logger
   * has DEBUG on.
   */
  static void log(Logger log, Level level, String message, Throwable failure) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    if (failure == null) {
      log.atLevel(level).log(message);
    } else if (log.isDebugEnabled()) {
      log.atLevel(level).setCause(failure).log(message);
    } else {
      log.atLevel(level).log(message + ": " + describe(failure));
    }
  }

  /** {@code BundleException: Activator start error <- IllegalStateException: refused}. */
  static String describe(Throwable failure) {
    StringBuilder line = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (line.length() > 0) {
        line.append(" <- ");
      }
      line.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        line.append(": ").append(t.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " "));
      }
    }
    return line.toString();
  }
}
