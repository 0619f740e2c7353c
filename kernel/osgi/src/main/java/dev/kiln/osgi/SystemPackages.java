package dev.kiln.osgi;

import dev.kiln.osgi.ExportPackageHeader.Export;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packages the host exports to bundles through the system bundle: the SPI and the shared
 * libraries, each with a version, found on the host class path.
 *
 * <p>A jar that is an OSGi bundle contributes what its {@code Export-Package} header exports,
 * with the versions given there. Any other jar contributes the packages it holds classes in,
 * at the jar's own version. A package is never exported without a version: an export at
 * 0.0.0 would not satisfy the import ranges bnd writes into plugin bundles.
 */
final class SystemPackages {

  /** Package roots shared with bundles: the SPI and the libraries plugins use from the host. */
  static final List<String> SHARED_ROOTS =
      List.of(
          "dev.kiln.api",
          "dev.kiln.proto",
          "com.google.protobuf",
          "io.grpc",
          "io.netty",
          "com.fasterxml.jackson",
          "org.slf4j",
          "org.bytedeco");

  private static final Logger LOG = LoggerFactory.getLogger(SystemPackages.class);

  private final SortedMap<String, SortedSet<Version>> versionsByPackage;

  private SystemPackages(SortedMap<String, SortedSet<Version>> versionsByPackage) {
    this.versionsByPackage = versionsByPackage;
  }

  /** Scans every class path entry {@code loader} sees for packages under {@code roots}. */
  static SystemPackages scan(ClassLoader loader, List<String> roots) {
    Predicate<String> shared =
        name -> roots.stream().anyMatch(root -> name.equals(root) || name.startsWith(root + "."));
    SortedMap<String, SortedSet<Version>> versions = new TreeMap<>();
    Set<Path> seen = new HashSet<>();
    for (URL manifest : manifests(loader)) {
      try {
        Optional<ClasspathEntry> entry = ClasspathEntry.of(manifest);
        if (entry.isPresent() && seen.add(entry.get().root())) {
          addExports(entry.get(), shared, versions);
        }
      } catch (UncheckedIOException e) {
        LOG.warn("{}; its packages are not exported to bundles", e.getMessage());
      }
    }
    return new SystemPackages(versions);
  }

  private static List<URL> manifests(ClassLoader loader) {
    try {
      Enumeration<URL> urls = loader.getResources(JarFile.MANIFEST_NAME);
      return Collections.list(urls);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the host class path", e);
    }
  }

  private static void addExports(
      ClasspathEntry entry,
      Predicate<String> shared,
      SortedMap<String, SortedSet<Version>> versions) {
    Optional<String> header = entry.exportPackageHeader();
    if (header.isPresent()) {
      for (Export export : ExportPackageHeader.parse(header.get())) {
        if (shared.test(export.packageName())) {
          Optional<Version> version = OsgiVersions.parse(export.version()).or(entry::version);
          add(entry, Set.of(export.packageName()), version, versions);
        }
      }
    } else {
      Set<String> packages = entry.packages(shared);
      if (!packages.isEmpty()) {
        add(entry, packages, entry.version(), versions);
      }
    }
  }

  private static void add(
      ClasspathEntry entry,
      Set<String> packages,
      Optional<Version> version,
      SortedMap<String, SortedSet<Version>> versions) {
    if (version.isEmpty()) {
      LOG.warn(
          "{} has no usable version; not exported to bundles: {}", entry.root(), packages);
      return;
    }
    for (String name : packages) {
      versions.computeIfAbsent(name, n -> new TreeSet<>()).add(version.get());
    }
  }

  /** The value of {@code org.osgi.framework.system.packages.extra}. */
  String header() {
    return versionsByPackage.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(v -> e.getKey() + ";version=\"" + v + "\""))
        .collect(Collectors.joining(","));
  }

  /** How many distinct packages are exported. */
  int packageCount() {
    return versionsByPackage.size();
  }

  /** Each exported package with its versions (a jar may export a package at two versions). */
  SortedMap<String, SortedSet<Version>> versionsByPackage() {
    return Collections.unmodifiableSortedMap(versionsByPackage);
  }
}
