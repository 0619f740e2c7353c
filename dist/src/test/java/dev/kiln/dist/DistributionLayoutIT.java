package dev.kiln.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The files of dist/target/kiln/ and of dist/target/kiln-<version>.tar.gz (CONTRACT: same content). */
class DistributionLayoutIT {
    private static final Path HOME = KilnProcess.home();
    private static final String VERSION = System.getProperty("kiln.it.version");
    private static final Path ARCHIVE = Paths.get(System.getProperty("kiln.it.archive", "missing"));

    @Test
    void theFolderHasTheStartScriptConfigLibrariesAndPluginsFolder() throws IOException {
        assertThat(HOME.resolve("bin/kiln")).isExecutable();
        assertThat(Files.readString(HOME.resolve("bin/kiln"))).startsWith("#!/bin/sh\n")
                .contains("exec \"$JAVA\"").contains("dev.kiln.runtime.KilnMain").doesNotContain("\r");
        assertThat(HOME.resolve("conf/server.yaml")).isRegularFile();
        assertThat(HOME.resolve("conf/logback.xml")).isRegularFile();
        assertThat(HOME.resolve("plugins/README.txt")).isRegularFile();
        assertThat(HOME.resolve("LICENSE")).isRegularFile();
        try (Stream<Path> lib = Files.list(HOME.resolve("lib"))) {
            List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
            assertThat(jars).anyMatch(j -> j.startsWith("kiln-runtime-")).anyMatch(j -> j.startsWith("logback-classic-"))
                    .allMatch(j -> j.endsWith(".jar"))
                    .noneMatch(j -> j.startsWith("kiln-testkit-") || j.startsWith("junit-") || j.startsWith("assertj-"));
        }
    }

    @Test
    void theArchiveHoldsTheSameFilesUnderKilnVersion() throws IOException, InterruptedException {
        assertThat(VERSION).as("kiln.it.version system property").isNotBlank();
        assertThat(ARCHIVE).isRegularFile();
        assertThat(ARCHIVE.getFileName().toString()).isEqualTo("kiln-" + VERSION + ".tar.gz");

        List<String> listing = tar("tzvf");
        String top = "kiln-" + VERSION + "/";
        Set<String> archived = new TreeSet<>();
        for (String line : listing) {
            String name = line.substring(line.lastIndexOf(' ') + 1);
            assertThat(name).as("entry %s", line).startsWith(top);
            if (!line.startsWith("d")) {
                archived.add(name.substring(top.length()));
            }
            if (name.equals(top + "bin/kiln")) {
                assertThat(line).as("mode of bin/kiln in the archive").startsWith("-rwxr-xr-x");
            }
        }
        Set<String> folder;
        try (Stream<Path> files = Files.walk(HOME)) {
            folder = files.filter(Files::isRegularFile).map(p -> HOME.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(archived).isEqualTo(folder);
    }

    private static List<String> tar(String options) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", options, ARCHIVE.toString()).redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).as("tar finished").isTrue();
        assertThat(tar.exitValue()).as("tar %s %s: %s", options, ARCHIVE, out).isZero();
        return out.lines().toList();
    }
}
