package dev.kiln.recorder.internal.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordRootsTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsResolveUnderThePrimaryRoot() {
        RecordRoots roots = new RecordRoots(List.of(dir.resolve("records")));
        assertThat(roots.confine("a/${Id}.ts")).isEqualTo(dir.resolve("records/a/${Id}.ts").toString());
    }

    @Test
    void absolutePathsMustLieUnderARoot() {
        RecordRoots roots = new RecordRoots(List.of(dir.resolve("records"), dir.resolve("other")));
        assertThat(roots.confine(dir.resolve("other/x.ts").toString())).isEqualTo(dir.resolve("other/x.ts").toString());
        assertThatThrownBy(() -> roots.confine("/etc/x.ts")).hasMessageContaining("outside the record folders");
        assertThatThrownBy(() -> roots.confine(dir.resolve("recordsX/x.ts").toString()))
                .hasMessageContaining("outside");
    }

    @Test
    void dotDotIsRefusedEvenWhenItStaysInside() {
        RecordRoots roots = new RecordRoots(List.of(dir.resolve("records")));
        assertThatThrownBy(() -> roots.confine("a/../b.ts")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> roots.confine("../b.ts")).hasMessageContaining("'..'");
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("records"));
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        RecordRoots roots = new RecordRoots(List.of(root));
        assertThatThrownBy(() -> roots.confine("link/x.ts")).hasMessageContaining("symbolic link");
        Files.createDirectories(root.resolve("real"));
        assertThat(roots.confine("real/x.ts")).endsWith("real/x.ts");
    }
}
