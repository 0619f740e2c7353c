package dev.kiln.osgi;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The bundles every Kiln framework runs: Declarative Services (Felix SCR with the OSGi promise,
 * function and component API bundles it needs) and FileInstall, which watches the plugins
 * folder.
 *
 * <p>They come from the host class path: each jar is found through the code source of one of
 * its public classes and installed in place ({@code reference:file:…}), not copied.
 */
final class SystemBundles {

  /** One class from each bundle's jar, in install and start order: dependencies first. */
  private static final List<Class<?>> FROM_JARS_OF =
      List.of(
          org.osgi.util.function.Function.class,
          org.osgi.util.promise.Promise.class,
          org.osgi.service.component.ComponentContext.class,
          org.apache.felix.scr.info.ScrInfo.class,
          org.apache.felix.fileinstall.ArtifactInstaller.class);

  private SystemBundles() {}

  /**
   * Installs all, then starts each in order. Starting FileInstall runs its first scan of the
   * plugins folder before this returns.
   */
  static List<Bundle> installAndStart(BundleContext context) throws BundleException {
    List<Bundle> bundles = new ArrayList<>();
    for (Class<?> type : FROM_JARS_OF) {
      bundles.add(context.installBundle(location(type)));
    }
    for (Bundle bundle : bundles) {
      bundle.start();
    }
    return bundles;
  }

  /** {@code reference:file:/…/org.apache.felix.scr-2.2.12.jar} for a class of that jar. */
  static String location(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalStateException(
          type.getName() + " has no code source on the host class path");
    }
    try {
      return "reference:" + Path.of(source.getLocation().toURI()).toUri();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot locate the jar of " + type.getName() + ": " + source.getLocation(), e);
    }
  }
}
