package dev.kiln.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Runs Netty's leak detector at PARANOID for every test and fails the test when it reports a
 * leak. Registered for the whole module through {@code META-INF/services} and
 * {@code junit-platform.properties}.
 *
 * <p>Netty notices a leak when a buffer that was never released is garbage collected, and
 * reports it on a later allocation; after each test this provokes both a few times. A leak
 * whose buffer is still reachable at that point is caught after a later test (or after the
 * class) instead.
 */
public final class LeakDetectionExtension
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private static final LeakAppender APPENDER = new LeakAppender();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    APPENDER.setContext(logger.getLoggerContext());
    APPENDER.start();
    logger.addAppender(APPENDER);
    logger.setLevel(Level.ERROR);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check();
  }

  private static void check() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 64; j++) {
        release(ByteBufAllocator.DEFAULT.buffer(16));
        release(ByteBufAllocator.DEFAULT.heapBuffer(16));
        release(PooledByteBufAllocator.DEFAULT.directBuffer(16));
      }
    }
    List<String> leaks = APPENDER.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s):\n"
          + String.join("\n\n", leaks));
    }
  }

  private static void release(ByteBuf buf) {
    buf.release();
  }

  private static final class LeakAppender extends AppenderBase<ILoggingEvent> {
    private final List<String> leaks = new ArrayList<>();

    @Override
    protected synchronized void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        leaks.add(event.getFormattedMessage());
      }
    }

    synchronized List<String> drain() {
      List<String> copy = new ArrayList<>(leaks);
      leaks.clear();
      return copy;
    }
  }
}
