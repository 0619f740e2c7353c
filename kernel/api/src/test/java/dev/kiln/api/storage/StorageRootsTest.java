package dev.kiln.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageRootsTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsResolveUnderThePrimaryRoot() {
        StorageRoots roots = new StorageRoots("record folders", List.of(dir.resolve("records")));
        assertThat(roots.confine("a/${Id}.ts")).isEqualTo(dir.resolve("records/a/${Id}.ts").toString());
        assertThat(roots.confine("./a/b/")).isEqualTo(dir.resolve("records/a/b").toString());
    }

    @Test
    void absolutePathsMustLieUnderARoot() {
        StorageRoots roots = new StorageRoots("record folders", List.of(dir.resolve("records"), dir.resolve("other")));
        assertThat(roots.confine(dir.resolve("other/x.ts").toString())).isEqualTo(dir.resolve("other/x.ts").toString());
        assertThatThrownBy(() -> roots.confine("/etc/x.ts")).hasMessageContaining("outside the record folders");
        assertThatThrownBy(() -> roots.confine(dir.resolve("recordsX/x.ts").toString()))
                .hasMessageContaining("outside");
    }

    @Test
    void dotDotIsRefusedEvenWhenItStaysInside() {
        StorageRoots roots = new StorageRoots("record folders", List.of(dir.resolve("records")));
        assertThatThrownBy(() -> roots.confine("a/../b.ts")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> roots.confine("../b.ts")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> roots.confine("")).hasMessageContaining("empty");
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("records"));
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        StorageRoots roots = new StorageRoots("record folders", List.of(root));
        assertThatThrownBy(() -> roots.confine("link/x.ts")).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> roots.confine("link")).hasMessageContaining("symbolic link");
        Files.createDirectories(root.resolve("real"));
        assertThat(roots.confine("real/x.ts")).endsWith("real/x.ts");
    }

    @Test
    void aSymbolicLinkThatStaysInsideIsAccepted() throws Exception {
        Path root = Files.createDirectories(dir.resolve("dumps"));
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        StorageRoots roots = new StorageRoots("dump folders", List.of(root));
        assertThat(roots.confine("alias/a")).isEqualTo(root.resolve("alias/a").toString());
    }

    @Test
    void theMessagesNameTheKindOfFolder() throws Exception {
        Path root = Files.createDirectories(dir.resolve("dumps"));
        Files.createSymbolicLink(root.resolve("out"), Files.createDirectories(dir.resolve("elsewhere")));
        StorageRoots roots = new StorageRoots("dump folders", List.of(root));
        assertThatThrownBy(() -> roots.confine("/etc/x")).hasMessageContaining("outside the dump folders");
        assertThatThrownBy(() -> roots.confine("out/x")).hasMessageContaining("out of the dump folders");
    }

    @Test
    void aPathListAddsRootsAfterThePrimaryOne() {
        Path primary = dir.resolve("dumps");
        StorageRoots roots = StorageRoots.of("dump folders", primary,
                dir.resolve("a") + ":" + " :" + dir.resolve("b/../c") + ":");
        assertThat(roots.all()).containsExactly(primary, dir.resolve("a"), dir.resolve("c"));
        assertThat(roots.primary()).isEqualTo(primary);
        assertThat(StorageRoots.of("dump folders", primary, null).all()).containsExactly(primary);
        assertThat(roots.confine(dir.resolve("c/x").toString())).isEqualTo(dir.resolve("c/x").toString());
    }

    @Test
    void atLeastOneRootIsRequired() {
        assertThatThrownBy(() -> new StorageRoots("dump folders", List.of())).hasMessageContaining("dump folders");
    }
}
