package dev.kiln.push.internal.rtmp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Runs Netty's leak detector at PARANOID for a test class and fails a test after which it
 * reports a leaked buffer (garbage collection and a few allocations make it look).
 */
final class LeakCheck implements BeforeAllCallback, AfterEachCallback {
  private static final Leaks LEAKS = new Leaks();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    LEAKS.setContext(logger.getLoggerContext());
    LEAKS.start();
    logger.addAppender(LEAKS);
    logger.setLevel(Level.ERROR);
    // Keep the tests' output to what Kiln logs at INFO and up.
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 64; j++) {
        ByteBufAllocator.DEFAULT.buffer(16).release();
        PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
        ByteBufAllocator.DEFAULT.compositeBuffer().release();
      }
    }
    List<String> leaks = LEAKS.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s):\n"
          + String.join("\n\n", leaks));
    }
  }

  private static final class Leaks extends AppenderBase<ILoggingEvent> {
    private final List<String> reports = new ArrayList<>();

    @Override
    protected synchronized void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        reports.add(event.getFormattedMessage());
      }
    }

    synchronized List<String> drain() {
      List<String> copy = new ArrayList<>(reports);
      reports.clear();
      return copy;
    }
  }
}
