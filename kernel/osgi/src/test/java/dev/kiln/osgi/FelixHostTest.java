package dev.kiln.osgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testkit.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

class FelixHostTest {

  @TempDir Path temp;

  @Test
  void startsDeclarativeServicesAndFileInstallAndCreatesThePluginsFolder() throws Exception {
    Path pluginsDir = temp.resolve("not/yet/plugins");

    try (FelixHost host = FelixHost.start(pluginsDir, temp.resolve("storage"))) {
      assertThat(pluginsDir).isDirectory();
      Map<String, Integer> states =
          Arrays.stream(host.context().getBundles())
              .collect(Collectors.toMap(Bundle::getSymbolicName, Bundle::getState));
      assertThat(states)
          .containsEntry("org.apache.felix.scr", Bundle.ACTIVE)
          .containsEntry("org.apache.felix.fileinstall", Bundle.ACTIVE)
          .containsEntry("org.osgi.service.component", Bundle.ACTIVE)
          .containsEntry("org.osgi.util.promise", Bundle.ACTIVE)
          .containsEntry("org.osgi.util.function", Bundle.ACTIVE);
      // getAll…: the host class path has its own copy of the DS API, so the filtered lookup
      // would hide SCR's service from the system bundle.
      assertThat(
              host.context()
                  .getAllServiceReferences(
                      "org.osgi.service.component.runtime.ServiceComponentRuntime", null))
          .as("SCR's runtime service")
          .hasSize(1);
    }
  }

  @Test
  void exportsTheSpiAndSharedLibrariesWithVersions() {
    try (FelixHost host = FelixHost.start(temp.resolve("plugins"), temp.resolve("storage"))) {
      List<BundleCapability> exports =
          host.context()
              .getBundle()
              .adapt(BundleRevision.class)
              .getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE);

      assertThat(versionsOf(exports, "dev.kiln.api.error")).containsExactly(new Version(0, 1, 0));
      assertThat(versionsOf(exports, "io.grpc")).containsExactly(new Version(1, 85, 1));
      assertThat(versionsOf(exports, "com.google.protobuf")).containsExactly(new Version(4, 36, 2));
      assertThat(versionsOf(exports, "org.slf4j")).contains(new Version(2, 0, 17));
      assertThat(exports)
          .filteredOn(
              c -> SystemPackages.SHARED_ROOTS.stream().anyMatch(packageName(c)::startsWith))
          .isNotEmpty()
          .allSatisfy(c -> assertThat(version(c)).isNotEqualTo(Version.emptyVersion));
    }
  }

  @Test
  void aBundleImportingSharedPackagesWithBndStyleRangesResolves() throws Exception {
    try (FelixHost host = FelixHost.start(temp.resolve("plugins"), temp.resolve("storage"))) {
      Path jar =
          ManifestJars.write(
              temp.resolve("importer.jar"),
              Map.of(
                  "Bundle-ManifestVersion", "2",
                  "Bundle-SymbolicName", "dev.kiln.test.importer",
                  "Bundle-Version", "1.0.0",
                  "Import-Package",
                  "dev.kiln.api.error;version=\"[0.1,1)\","
                      + "io.grpc;version=\"[1.85,2)\","
                      + "io.grpc.stub;version=\"[1.85,2)\","
                      + "com.google.protobuf;version=\"[4.36,5)\","
                      + "org.slf4j;version=\"[2.0,3)\""));
      BundleContext context = host.context();
      Bundle importer = context.installBundle(jar.toUri().toString());

      boolean resolved =
          context.getBundle().adapt(FrameworkWiring.class).resolveBundles(List.of(importer));

      assertThat(resolved).isTrue();
      assertThat(importer.getState()).isEqualTo(Bundle.RESOLVED);
    }
  }

  @Test
  void jarsAlreadyInThePluginsFolderAreInstalledWhenStartReturns() {
    Path pluginsDir = temp.resolve("plugins");
    TestBundles.writeHelloBundle(pluginsDir, "1.0.0", "there before the host");
    TestBundles.writeBrokenBundle(pluginsDir);

    try (FelixHost host = FelixHost.start(pluginsDir, temp.resolve("storage"))) {
      Optional<Bundle> hello = bundle(host, TestBundles.HELLO_SYMBOLIC_NAME);
      assertThat(hello).isPresent();
      assertThat(hello.get().getLocation()).endsWith("dev.kiln.testkit.hello-1.0.0.jar");
      assertThat(bundle(host, TestBundles.BROKEN_SYMBOLIC_NAME))
          .as("installed; its failure to start did not stop the host")
          .isPresent();
      assertThat(host.context().getBundle().getState()).isEqualTo(Bundle.ACTIVE);
    }
  }

  private static Optional<Bundle> bundle(FelixHost host, String symbolicName) {
    return Arrays.stream(host.context().getBundles())
        .filter(b -> symbolicName.equals(b.getSymbolicName()))
        .findFirst();
  }

  @Test
  void closeStopsTheFrameworkOnce() throws Exception {
    FelixHost host = FelixHost.start(temp.resolve("plugins"), temp.resolve("storage"));
    Bundle framework = host.context().getBundle();

    host.close();
    host.close();

    assertThat(framework.getState()).isEqualTo(Bundle.RESOLVED);
    assertThatThrownBy(host::context).isInstanceOf(IllegalStateException.class);
    assertThat(Files.list(temp.resolve("plugins"))).isEmpty();
  }

  private static List<Version> versionsOf(List<BundleCapability> exports, String packageName) {
    return exports.stream()
        .filter(c -> packageName(c).equals(packageName))
        .map(FelixHostTest::version)
        .collect(Collectors.toList());
  }

  private static String packageName(BundleCapability capability) {
    return (String) capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
  }

  private static Version version(BundleCapability capability) {
    return (Version)
        capability.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
  }
}
