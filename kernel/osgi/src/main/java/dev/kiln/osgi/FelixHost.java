package dev.kiln.osgi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The embedded OSGi framework (Felix) that runs Kiln's plugins.
 *
 * <p>It exports the SPI and the shared libraries to bundles as versioned system packages, runs
 * Declarative Services, and hot-deploys the plugins folder: a jar added there is installed and
 * started, a replaced jar is updated (and its dependants refreshed), a removed jar is
 * uninstalled, all without a restart. A plugin that fails to resolve or to start is logged at
 * WARN and left as it is; the host keeps running.
 */
public final class FelixHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FelixHost.class);
  private static final long STOP_TIMEOUT_MS = 3_000;

  private final Framework framework;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FelixHost(Framework framework) {
    this.framework = framework;
  }

  /**
   * Boots the framework with its storage in {@code storageDir} (emptied first), starts the
   * system bundles and watches {@code pluginsDir} (created if missing). Returns once the jars
   * already in {@code pluginsDir} have been handed to the framework.
   *
   * @throws IllegalStateException if the framework or a system bundle cannot start
   * @throws UncheckedIOException if a folder cannot be created
   */
  public static FelixHost start(Path pluginsDir, Path storageDir) {
    long started = System.nanoTime();
    createDirectories(pluginsDir);
    createDirectories(storageDir);
    SystemPackages packages =
        SystemPackages.scan(FelixHost.class.getClassLoader(), SystemPackages.SHARED_ROOTS);
    LOG.debug("exporting {} packages from the host class path to bundles", packages.packageCount());
    FileInstallLog.route();

    Framework framework =
        frameworkFactory().newFramework(felixConfig(pluginsDir, storageDir, packages));
    try {
      framework.init();
      BundleContext context = framework.getBundleContext();
      BundleEventLog events = new BundleEventLog();
      context.addBundleListener(events);
      context.addFrameworkListener(events);
      framework.start();
      SystemBundles.installAndStart(context);
    } catch (BundleException | RuntimeException e) {
      stop(framework);
      throw new IllegalStateException("cannot start the OSGi framework", e);
    }
    LOG.info(
        "OSGi framework started in {} ms, watching {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        pluginsDir.toAbsolutePath());
    return new FelixHost(framework);
  }

  /**
   * The system bundle's context: every bundle and service in the framework.
   *
   * @throws IllegalStateException once the host is closed
   */
  public BundleContext context() {
    BundleContext context = closed.get() ? null : framework.getBundleContext();
    if (context == null) {
      throw new IllegalStateException("the OSGi framework is stopped");
    }
    return context;
  }

  /** Stops the framework and every bundle, waiting at most about 3 seconds. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stop(framework);
    }
  }

  private static void stop(Framework framework) {
    try {
      framework.stop();
      FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MS);
      if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
        LOG.warn("the OSGi framework did not stop within {} ms", STOP_TIMEOUT_MS);
      } else {
        LOG.info("OSGi framework stopped");
      }
    } catch (BundleException e) {
      LogLines.log(LOG, Level.WARN, "cannot stop the OSGi framework", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while waiting for the OSGi framework to stop");
    }
  }

  // Felix takes the felix.log.logger value as an object, although the signature says String.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, String> felixConfig(
      Path pluginsDir, Path storageDir, SystemPackages packages) {
    return (Map) FrameworkConfig.of(pluginsDir, storageDir, packages);
  }

  private static FrameworkFactory frameworkFactory() {
    return ServiceLoader.load(FrameworkFactory.class, FelixHost.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no OSGi FrameworkFactory on the class path"));
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
