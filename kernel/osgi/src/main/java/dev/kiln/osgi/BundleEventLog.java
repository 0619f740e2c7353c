package dev.kiln.osgi;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One log line per bundle and framework event: installs, updates and removals at INFO; a
 * bundle's failure reported by the framework (one that does not resolve or whose activator
 * throws) at WARN; the rest at DEBUG.
 */
final class BundleEventLog implements BundleListener, FrameworkListener {

  private static final Logger LOG = LoggerFactory.getLogger(FelixHost.class);

  @Override
  public void bundleChanged(BundleEvent event) {
    Bundle bundle = event.getBundle();
    switch (event.getType()) {
      case BundleEvent.INSTALLED:
        LOG.info("installed bundle {} from {}", BundleNames.of(bundle), bundle.getLocation());
        break;
      case BundleEvent.UPDATED:
        LOG.info("updated bundle {}", BundleNames.of(bundle));
        break;
      case BundleEvent.UNINSTALLED:
        LOG.info("uninstalled bundle {}", BundleNames.of(bundle));
        break;
      default:
        LOG.debug("bundle {} {}", BundleNames.of(bundle), bundleEventName(event.getType()));
    }
  }

  @Override
  public void frameworkEvent(FrameworkEvent event) {
    String source = event.getBundle() == null ? "framework" : BundleNames.of(event.getBundle());
    switch (event.getType()) {
      case FrameworkEvent.ERROR:
        LogLines.log(LOG, Level.WARN, "bundle " + source + " failed", event.getThrowable());
        break;
      case FrameworkEvent.WARNING:
        LogLines.log(LOG, Level.WARN, "warning from " + source, event.getThrowable());
        break;
      case FrameworkEvent.INFO:
        LogLines.log(LOG, Level.INFO, "information from " + source, event.getThrowable());
        break;
      default:
        LOG.debug("framework {} ({})", frameworkEventName(event.getType()), source);
    }
  }

  private static String frameworkEventName(int type) {
    switch (type) {
      case FrameworkEvent.STARTED:
        return "started";
      case FrameworkEvent.PACKAGES_REFRESHED:
        return "refreshed packages";
      case FrameworkEvent.STARTLEVEL_CHANGED:
        return "changed start level";
      case FrameworkEvent.STOPPED:
      case FrameworkEvent.STOPPED_UPDATE:
      case FrameworkEvent.STOPPED_SYSTEM_REFRESHED:
        return "stopped";
      default:
        return "event " + type;
    }
  }

  private static String bundleEventName(int type) {
    switch (type) {
      case BundleEvent.RESOLVED:
        return "resolved";
      case BundleEvent.UNRESOLVED:
        return "unresolved";
      case BundleEvent.STARTING:
        return "starting";
      case BundleEvent.STARTED:
        return "started";
      case BundleEvent.STOPPING:
        return "stopping";
      case BundleEvent.STOPPED:
        return "stopped";
      case BundleEvent.LAZY_ACTIVATION:
        return "waiting for lazy activation";
      default:
        return "event " + type;
    }
  }
}
