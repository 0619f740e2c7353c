package dev.kiln.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Version;

/** A jar or class directory on the host class path, seen through its manifest. */
final class ClasspathEntry {

  private static final String MAVEN_DIR = "META-INF/maven/";

  private final Path root;
  private final Manifest manifest;

  private ClasspathEntry(Path root, Manifest manifest) {
    this.root = root;
    this.manifest = manifest;
  }

  /**
   * The entry whose {@code META-INF/MANIFEST.MF} is at {@code manifestUrl}; empty for anything but
   * a local jar ({@code jar:file:…!/}) or directory ({@code file:…}).
   */
  static Optional<ClasspathEntry> of(URL manifestUrl) {
    Optional<Path> root = rootOf(manifestUrl);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = manifestUrl.openStream()) {
      return Optional.of(new ClasspathEntry(root.get(), new Manifest(in)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifestUrl, e);
    }
  }

  private static Optional<Path> rootOf(URL manifestUrl) {
    try {
      switch (manifestUrl.getProtocol()) {
        case "jar": {
          // jar:file:/…/x.jar!/META-INF/MANIFEST.MF
          String spec = manifestUrl.getPath();
          int separator = spec.indexOf("!/");
          if (separator < 0) {
            return Optional.empty();
          }
          URI jar = new URI(spec.substring(0, separator));
          return "file".equals(jar.getScheme()) ? Optional.of(Path.of(jar)) : Optional.empty();
        }
        case "file":
          // <root>/META-INF/MANIFEST.MF
          return Optional.of(Path.of(manifestUrl.toURI()).getParent().getParent());
        default:
          return Optional.empty();
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  Path root() {
    return root;
  }

  /** The {@code Export-Package} header, when the entry is an OSGi bundle. */
  Optional<String> exportPackageHeader() {
    return Optional.ofNullable(manifest.getMainAttributes().getValue("Export-Package"));
  }

  /**
   * The entry's own version, made OSGi-valid: {@code Implementation-Version}, else the Maven
   * {@code pom.properties} version, else {@code Bundle-Version}.
   */
  Optional<Version> version() {
    Attributes main = manifest.getMainAttributes();
    return OsgiVersions.parse(main.getValue(Attributes.Name.IMPLEMENTATION_VERSION))
        .or(() -> OsgiVersions.parse(mavenVersion()))
        .or(() -> OsgiVersions.parse(main.getValue("Bundle-Version")));
  }

  /** The packages that hold at least one class, among those {@code wanted} accepts. */
  Set<String> packages(Predicate<String> wanted) {
    Set<String> packages = new TreeSet<>();
    for (String name : classFileNames()) {
      int slash = name.lastIndexOf('/');
      if (slash > 0 && !name.startsWith("META-INF/")) {
        String packageName = name.substring(0, slash).replace('/', '.');
        if (wanted.test(packageName)) {
          packages.add(packageName);
        }
      }
    }
    return packages;
  }

  private List<String> classFileNames() {
    try {
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          return files
              .map(file -> root.relativize(file).toString().replace('\\', '/'))
              .filter(name -> name.endsWith(".class"))
              .toList();
        }
      }
      try (JarFile jar = new JarFile(root.toFile())) {
        return jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the classes of " + root, e);
    }
  }

  /**
   * The version in {@code META-INF/maven/<group>/<artifact>/pom.properties}: the one matching
   * the jar's file name, or the only one.
   */
  private String mavenVersion() {
    if (Files.isDirectory(root)) {
      return null; // Maven writes pom.properties into jars only
    }
    try (JarFile jar = new JarFile(root.toFile())) {
      List<JarEntry> poms =
          jar.stream()
              .filter(e -> e.getName().startsWith(MAVEN_DIR))
              .filter(e -> e.getName().endsWith("/pom.properties"))
              .toList();
      String fileName = root.getFileName().toString();
      String onlyVersion = null;
      for (JarEntry pom : poms) {
        Properties properties = new Properties();
        try (InputStream in = jar.getInputStream(pom)) {
          properties.load(in);
        }
        String artifact = properties.getProperty("artifactId");
        String version = properties.getProperty("version");
        if (version != null && fileName.startsWith(artifact + "-" + version)) {
          return version;
        }
        onlyVersion = poms.size() == 1 ? version : null;
      }
      return onlyVersion;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Maven metadata of " + root, e);
    }
  }
}
