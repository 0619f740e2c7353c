package dev.kiln.osgi;

import org.osgi.framework.Bundle;

/** How a bundle is named in log lines. */
final class BundleNames {

  private BundleNames() {}

  /** {@code dev.kiln.testkit.hello 1.0.0 [5]}. */
  static String of(Bundle bundle) {
    return bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
  }
}
