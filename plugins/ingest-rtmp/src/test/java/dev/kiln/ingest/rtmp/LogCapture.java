package dev.kiln.ingest.rtmp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects the log events of a package while open; for asserting on WARN lines. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final AppenderBase<ILoggingEvent> appender;
  private final List<ILoggingEvent> events = new ArrayList<>();

  private final Level savedLevel;

  private LogCapture(String loggerName, Level level) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    savedLevel = logger.getLevel();
    if (level != null) {
      logger.setLevel(level);
    }
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        synchronized (events) {
          events.add(event);
        }
      }
    };
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName, null);
  }

  /** Also lowers the logger's level to {@code level} while open (e.g. to see DEBUG lines). */
  public static LogCapture of(String loggerName, Level level) {
    return new LogCapture(loggerName, level);
  }

  /** Formatted messages logged at {@code level}. */
  public List<String> messages(Level level) {
    List<String> out = new ArrayList<>();
    synchronized (events) {
      for (ILoggingEvent event : events) {
        if (event.getLevel() == level) {
          out.add(event.getFormattedMessage());
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(savedLevel);
  }
}
