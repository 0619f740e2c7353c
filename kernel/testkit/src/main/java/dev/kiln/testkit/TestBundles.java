package dev.kiln.testkit;

import dev.kiln.testkit.broken.BrokenActivator;
import dev.kiln.testkit.hello.HelloActivator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes small OSGi bundle jars for hot-deploy tests.
 *
 * <p>The activator classes are copied from this jar's own class path resources, so a test can
 * make as many versions of a bundle as it needs. This class does not link against the OSGi API:
 * it can be used where no framework classes are on the class path.
 *
 * <p>Each jar is written to a temporary name in {@code dir} and moved to its final name
 * atomically. To hot-deploy, still stage jars outside the watched folder and move them in, so
 * that a replacement keeps the name the framework knows the bundle by.
 */
public final class TestBundles {

  /** Bundle-SymbolicName of the hello bundle. */
  public static final String HELLO_SYMBOLIC_NAME = "dev.kiln.testkit.hello";
  /** Bundle-SymbolicName of the broken bundle. */
  public static final String BROKEN_SYMBOLIC_NAME = "dev.kiln.testkit.broken";
  /** Bundle-Version of the broken bundle. */
  public static final String BROKEN_VERSION = "1.0.0";

  // Names, not class literals: loading the activators needs the OSGi API on the class path.
  static final String HELLO_ACTIVATOR = "dev.kiln.testkit.hello.HelloActivator";
  static final String BROKEN_ACTIVATOR = "dev.kiln.testkit.broken.BrokenActivator";

  private static final String FRAMEWORK_IMPORT = "org.osgi.framework;version=\"[1.8,2)\"";

  private TestBundles() {}

  /**
   * Writes {@code dir/dev.kiln.testkit.hello-<version>.jar}: a bundle whose activator registers a
   * {@code Supplier<String>} returning {@code greeting} (see {@link HelloActivator}).
   *
   * @param version an OSGi version, e.g. {@code 1.0.0}
   * @return the written jar
   */
  public static Path writeHelloBundle(Path dir, String version, String greeting) {
    Manifest manifest =
        manifest(HELLO_SYMBOLIC_NAME, version, "Kiln hello test bundle", HELLO_ACTIVATOR);
    manifest.getMainAttributes().putValue(HelloActivator.GREETING_HEADER, greeting);
    return write(dir, HELLO_SYMBOLIC_NAME + "-" + version + ".jar", manifest, HELLO_ACTIVATOR);
  }

  /**
   * Writes {@code dir/dev.kiln.testkit.broken-1.0.0.jar}: a bundle that resolves but whose
   * activator throws {@link BrokenActivator#FAILURE} on start.
   *
   * @return the written jar
   */
  public static Path writeBrokenBundle(Path dir) {
    Manifest manifest =
        manifest(BROKEN_SYMBOLIC_NAME, BROKEN_VERSION, "Kiln broken test bundle", BROKEN_ACTIVATOR);
    return write(
        dir, BROKEN_SYMBOLIC_NAME + "-" + BROKEN_VERSION + ".jar", manifest, BROKEN_ACTIVATOR);
  }

  private static Manifest manifest(
      String symbolicName, String version, String name, String activator) {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Bundle-ManifestVersion", "2");
    main.putValue("Bundle-SymbolicName", symbolicName);
    main.putValue("Bundle-Version", version);
    main.putValue("Bundle-Name", name);
    main.putValue("Bundle-Activator", activator);
    main.putValue("Import-Package", FRAMEWORK_IMPORT);
    return manifest;
  }

  private static Path write(Path dir, String fileName, Manifest manifest, String activator) {
    String entry = activator.replace('.', '/') + ".class";
    Path target = dir.resolve(fileName);
    Path temp = null;
    try {
      byte[] classBytes = classBytes(entry);
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + fileName, ".tmp");
      try (OutputStream file = Files.newOutputStream(temp);
          JarOutputStream jar = new JarOutputStream(file, manifest)) {
        jar.putNextEntry(new JarEntry(entry));
        jar.write(classBytes);
        jar.closeEntry();
      }
      Files.move(
          temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      deleteAfterFailure(temp, e);
      throw new UncheckedIOException("cannot write test bundle " + target, e);
    }
  }

  private static byte[] classBytes(String entry) throws IOException {
    try (InputStream in = TestBundles.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new IllegalStateException(entry + " is not on the class path of kiln-testkit");
      }
      return in.readAllBytes();
    }
  }

  private static void deleteAfterFailure(Path temp, IOException failure) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
