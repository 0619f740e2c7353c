package dev.kiln.osgi;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * FileInstall's log sent to the SLF4J logger {@code org.apache.felix.fileinstall}.
 *
 * <p>FileInstall is set to log through {@code java.util.logging} to the logger named {@value
 * #JUL_LOGGER}; this handler takes those records off that one logger, nothing else of JUL.
 */
final class FileInstallLog extends Handler {

  /** The JUL logger FileInstall writes to when {@code felix.fileinstall.log.default=jul}. */
  static final String JUL_LOGGER = "fileinstall";

  private static final Logger LOG = LoggerFactory.getLogger("org.apache.felix.fileinstall");

  // JUL holds its loggers weakly: keep this one so that its handler and level stay set.
  private static java.util.logging.Logger routed;

  private FileInstallLog() {}

  /** Routes FileInstall's JUL logger to SLF4J, once per JVM. */
  static synchronized void route() {
    if (routed != null) {
      return;
    }
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(JUL_LOGGER);
    jul.setUseParentHandlers(false);
    jul.setLevel(java.util.logging.Level.ALL);
    jul.addHandler(new FileInstallLog());
    routed = jul;
  }

  /**
   * {@code felix.fileinstall.log.level}: warnings and errors (2). Installs, updates and removals
   * are logged from the framework's bundle events instead, with symbolic name and version; all
   * of FileInstall's messages (4) only when its logger has DEBUG on.
   */
  static String fileInstallLevel() {
    return LOG.isDebugEnabled() ? "4" : "2";
  }

  @Override
  public void publish(LogRecord record) {
    LogLines.log(LOG, slf4jLevel(record.getLevel()), record.getMessage(), record.getThrown());
  }

  private static Level slf4jLevel(java.util.logging.Level level) {
    int value = level.intValue();
    if (value >= java.util.logging.Level.SEVERE.intValue()) {
      return Level.ERROR;
    }
    if (value >= java.util.logging.Level.WARNING.intValue()) {
      return Level.WARN;
    }
    if (value >= java.util.logging.Level.INFO.intValue()) {
      return Level.INFO;
    }
    return value >= java.util.logging.Level.FINE.intValue() ? Level.DEBUG : Level.TRACE;
  }

  @Override
  public void flush() {
    // nothing buffered
  }

  @Override
  public void close() {
    // nothing held
  }
}
