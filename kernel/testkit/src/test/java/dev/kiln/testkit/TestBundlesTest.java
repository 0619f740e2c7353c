package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.broken.BrokenActivator;
import dev.kiln.testkit.hello.HelloActivator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestBundlesTest {

  @TempDir Path dir;

  @Test
  void helloBundleCarriesItsHeadersAndActivator() throws IOException {
    Path jar = TestBundles.writeHelloBundle(dir, "2.0.0", "hello from v2");

    assertThat(jar).isEqualTo(dir.resolve("dev.kiln.testkit.hello-2.0.0.jar"));
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertThat(main.getValue("Bundle-ManifestVersion")).isEqualTo("2");
      assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo("dev.kiln.testkit.hello");
      assertThat(main.getValue("Bundle-Version")).isEqualTo("2.0.0");
      assertThat(main.getValue("Bundle-Activator")).isEqualTo(HelloActivator.class.getName());
      assertThat(main.getValue("Import-Package")).startsWith("org.osgi.framework;");
      assertThat(main.getValue("Kiln-Greeting")).isEqualTo("hello from v2");
      assertThat(entryNames(file))
          .containsExactlyInAnyOrder(
              "META-INF/MANIFEST.MF", "dev/kiln/testkit/hello/HelloActivator.class");
    }
  }

  @Test
  void brokenBundleCarriesTheThrowingActivator() throws IOException {
    Path jar = TestBundles.writeBrokenBundle(dir);

    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo("dev.kiln.testkit.broken");
      assertThat(main.getValue("Bundle-Activator")).isEqualTo(BrokenActivator.class.getName());
      assertThat(entryNames(file)).contains("dev/kiln/testkit/broken/BrokenActivator.class");
    }
  }

  @Test
  void rewritingReplacesTheJarAndLeavesNoTemporaryFile() throws IOException {
    TestBundles.writeHelloBundle(dir, "1.0.0", "first");
    TestBundles.writeHelloBundle(dir, "1.0.0", "second");

    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("dev.kiln.testkit.hello-1.0.0.jar"));
    }
    try (JarFile file = new JarFile(dir.resolve("dev.kiln.testkit.hello-1.0.0.jar").toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Kiln-Greeting"))
          .isEqualTo("second");
    }
  }

  private static java.util.List<String> entryNames(JarFile file) {
    return Collections.list(file.entries()).stream()
        .map(JarEntry::getName)
        .collect(Collectors.toList());
  }
}
