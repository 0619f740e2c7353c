package dev.kiln.osgi;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Felix's own log ({@code felix.log.logger}) sent to the SLF4J logger {@code
 * org.apache.felix.framework}, at the levels that logger has on.
 */
final class FelixLog extends Logger {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

  /** The Felix level ({@code felix.log.level}) that matches the SLF4J logger's. */
  static int felixLevel() {
    if (LOG.isDebugEnabled()) {
      return LOG_DEBUG;
    }
    if (LOG.isInfoEnabled()) {
      return LOG_INFO;
    }
    return LOG.isWarnEnabled() ? LOG_WARNING : LOG_ERROR;
  }

  @Override
  protected void doLog(
      Bundle bundle, ServiceReference sr, int level, String message, Throwable failure) {
    doLog(level, bundle == null ? message : BundleNames.of(bundle) + ": " + message, failure);
  }

  @Override
  protected void doLog(int level, String message, Throwable failure) {
    LogLines.log(LOG, slf4jLevel(level), message, failure);
  }

  private static Level slf4jLevel(int felixLevel) {
    switch (felixLevel) {
      case LOG_ERROR:
        return Level.ERROR;
      case LOG_WARNING:
        return Level.WARN;
      case LOG_INFO:
        return Level.INFO;
      default:
        return Level.DEBUG;
    }
  }
}
