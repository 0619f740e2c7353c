package dev.kiln.osgi;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Keeps the log events of a test, and tells a {@link FrameworkWatch} about each one. */
final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<ILoggingEvent> events = new ArrayList<>();
  private volatile FrameworkWatch watch;

  private CapturedLog() {}

  static CapturedLog attach() {
    CapturedLog log = new CapturedLog();
    log.setContext(root().getLoggerContext());
    log.start();
    root().addAppender(log);
    return log;
  }

  void notify(FrameworkWatch watch) {
    this.watch = watch;
  }

  @Override
  protected void append(ILoggingEvent event) {
    synchronized (events) {
      events.add(event);
    }
    FrameworkWatch current = watch;
    if (current != null) {
      current.signal();
    }
  }

  /** The formatted messages logged at {@code level} or above. */
  List<String> messagesAtLeast(Level level) {
    List<String> messages = new ArrayList<>();
    synchronized (events) {
      for (ILoggingEvent event : events) {
        if (event.getLevel().isGreaterOrEqual(level)) {
          messages.add(event.getLevel() + " " + event.getFormattedMessage());
        }
      }
    }
    return messages;
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
