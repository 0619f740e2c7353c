package dev.kiln.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.osgi.ExportPackageHeader.Export;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class SystemPackagesTest {

  @TempDir Path temp;

  @Test
  void exportPackageHeadersAreSplitOutsideQuotes() {
    List<Export> exports =
        ExportPackageHeader.parse(
            "a.b;uses:=\"x.y,z\";version=\"1.2\", c;d;version:Version=3,"
                + "e;specification-version=4.1;mandatory:=\"k\",f");

    assertThat(exports)
        .containsExactly(
            new Export("a.b", "1.2"),
            new Export("c", "3"),
            new Export("d", "3"),
            new Export("e", "4.1"),
            new Export("f", null));
  }

  @Test
  void jarVersionsBecomeOsgiVersions() {
    assertThat(OsgiVersions.parse("1.85.1")).contains(new Version(1, 85, 1));
    assertThat(OsgiVersions.parse("4.2.7.Final")).contains(new Version(4, 2, 7, "Final"));
    assertThat(OsgiVersions.parse("1.0-SNAPSHOT")).contains(new Version(1, 0, 0, "SNAPSHOT"));
    assertThat(OsgiVersions.parse("7.1.1-1.5.12")).contains(new Version(7, 1, 1, "1_5_12"));
    assertThat(OsgiVersions.parse("2")).contains(new Version(2, 0, 0));
    assertThat(OsgiVersions.parse("r8-final")).isEmpty();
    assertThat(OsgiVersions.parse("99999999999")).isEmpty();
    assertThat(OsgiVersions.parse(null)).isEmpty();
  }

  @Test
  void theHostClassPathExportsTheSpiAndLibrariesWithTheirVersions() {
    SystemPackages packages =
        SystemPackages.scan(getClass().getClassLoader(), SystemPackages.SHARED_ROOTS);
    SortedMap<String, SortedSet<Version>> versions = packages.versionsByPackage();

    // from bundles' Export-Package headers
    assertThat(versions.get("dev.kiln.api.error")).containsExactly(new Version(0, 1, 0));
    assertThat(versions.get("com.google.protobuf")).containsExactly(new Version(4, 36, 2));
    assertThat(versions.get("org.slf4j"))
        .containsExactly(new Version(1, 7, 36), new Version(2, 0, 17));
    // from plain jars, at the jar's version
    assertThat(versions.get("io.grpc")).containsExactly(new Version(1, 85, 1));
    assertThat(versions.get("io.grpc.stub")).containsExactly(new Version(1, 85, 1));
    assertThat(versions.get("io.grpc.inprocess")).containsExactly(new Version(1, 85, 1));

    assertThat(versions.keySet())
        .allMatch(
            name -> SystemPackages.SHARED_ROOTS.stream()
                .anyMatch(root -> name.equals(root) || name.startsWith(root + ".")))
        .noneMatch(name -> name.startsWith("org.apache.felix") || name.startsWith("org.osgi"));
    assertThat(packages.packageCount()).isEqualTo(versions.size());
    assertThat(packages.header())
        .contains("io.grpc;version=\"1.85.1\"")
        .contains("org.slf4j;version=\"1.7.36\",org.slf4j;version=\"2.0.17\"");
  }

  @Test
  void aClassDirectoryWithoutExportsUsesItsImplementationVersion() throws Exception {
    Path dir = classDirectory("lib", "Implementation-Version: 3.1-SNAPSHOT\n");
    Files.createDirectories(dir.resolve("org/bytedeco/fake/internal"));
    Files.write(dir.resolve("org/bytedeco/fake/Grabber.class"), new byte[0]);
    Files.write(dir.resolve("org/bytedeco/fake/internal/Native.class"), new byte[0]);
    Files.createDirectories(dir.resolve("com/example"));
    Files.write(dir.resolve("com/example/Other.class"), new byte[0]);

    SortedMap<String, SortedSet<Version>> versions = scan(dir).versionsByPackage();

    assertThat(versions)
        .containsOnlyKeys("org.bytedeco.fake", "org.bytedeco.fake.internal")
        .containsEntry("org.bytedeco.fake", versions(new Version(3, 1, 0, "SNAPSHOT")));
  }

  @Test
  void packagesWithoutAnyVersionAreNotExported() throws Exception {
    Path unversioned = classDirectory("unversioned", "");
    Files.createDirectories(unversioned.resolve("io/netty/fake"));
    Files.write(unversioned.resolve("io/netty/fake/Channel.class"), new byte[0]);
    Path bundle =
        classDirectory(
            "bundle",
            "Export-Package: io.grpc.fake,io.grpc.fake2;version=2\nBundle-Version: 1.5\n");

    assertThat(scan(unversioned).versionsByPackage()).isEmpty();
    assertThat(scan(bundle).versionsByPackage())
        .isEqualTo(
            Map.of(
                "io.grpc.fake", versions(new Version(1, 5, 0)),
                "io.grpc.fake2", versions(new Version(2, 0, 0))));
  }

  private Path classDirectory(String name, String manifestLines) throws Exception {
    Path dir = temp.resolve(name);
    Files.createDirectories(dir.resolve("META-INF"));
    Files.writeString(
        dir.resolve("META-INF/MANIFEST.MF"), "Manifest-Version: 1.0\n" + manifestLines);
    return dir;
  }

  private static SortedSet<Version> versions(Version... versions) {
    return new TreeSet<>(List.of(versions));
  }

  private static SystemPackages scan(Path dir) throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      return SystemPackages.scan(loader, SystemPackages.SHARED_ROOTS);
    }
  }
}
