package dev.kiln.osgi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/**
 * Waits, with a deadline, for a condition on the framework: the condition is checked again on
 * every bundle, service and framework event (and on {@link #signal()}), and at least every
 * {@value #RECHECK_MS} ms.
 */
final class FrameworkWatch
    implements AutoCloseable, BundleListener, ServiceListener, FrameworkListener {

  private static final long RECHECK_MS = 100;

  private final BundleContext context;
  private long changes;

  FrameworkWatch(BundleContext context) {
    this.context = context;
    context.addBundleListener(this);
    context.addServiceListener(this);
    context.addFrameworkListener(this);
  }

  /** The first non-empty value of {@code probe}; fails the test after {@code timeout}. */
  <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long seen;
      synchronized (this) {
        seen = changes;
      }
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      synchronized (this) {
        if (changes == seen) {
          long recheck = TimeUnit.MILLISECONDS.toNanos(RECHECK_MS);
          TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, recheck));
        }
      }
    }
  }

  /** Wakes {@link #until} to check its condition again. */
  synchronized void signal() {
    changes++;
    notifyAll();
  }

  @Override
  public void bundleChanged(BundleEvent event) {
    signal();
  }

  @Override
  public void serviceChanged(ServiceEvent event) {
    signal();
  }

  @Override
  public void frameworkEvent(FrameworkEvent event) {
    signal();
  }

  @Override
  public void close() {
    context.removeBundleListener(this);
    context.removeServiceListener(this);
    context.removeFrameworkListener(this);
  }
}
