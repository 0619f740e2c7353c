package dev.kiln.testkit.broken;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Activator of the broken test bundle: it always fails to start. */
public final class BrokenActivator implements BundleActivator {

  /** Message of the exception thrown by {@link #start}. */
  public static final String FAILURE = "the broken test bundle refuses to start";

  @Override
  public void start(BundleContext context) {
    throw new IllegalStateException(FAILURE);
  }

  @Override
  public void stop(BundleContext context) {
    // never started, nothing to undo
  }
}
