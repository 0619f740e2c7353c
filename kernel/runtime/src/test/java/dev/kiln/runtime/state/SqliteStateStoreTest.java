package dev.kiln.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStateStoreTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void entriesSurviveReopenInFirstInsertOrder() {
        Path file = dir.resolve("state/kiln.db");
        try (SqliteStateStore s = SqliteStateStore.open(file)) {
            s.put("app", "v/b", b("1"));
            s.put("app", "v/a", b("2"));
            s.put("app", "v/b", b("3")); // replace keeps position
            s.put("vhost", "v", b("x"));
        }
        try (SqliteStateStore s = SqliteStateStore.open(file)) {
            var apps = s.list("app");
            assertThat(apps.keySet()).containsExactly("v/b", "v/a");
            assertThat(new String(apps.get("v/b"), StandardCharsets.UTF_8)).isEqualTo("3");
            assertThat(s.get("vhost", "v")).isPresent();
            assertThat(s.get("vhost", "w")).isEmpty();
        }
    }

    @Test
    void deleteAndDeletePrefix() {
        try (SqliteStateStore s = SqliteStateStore.open(dir.resolve("k.db"))) {
            s.put("app", "v/a", b("1"));
            s.put("app", "v/b", b("1"));
            s.put("app", "vx/a", b("1"));
            assertThat(s.deletePrefix("app", "v/")).isEqualTo(2);
            assertThat(s.list("app").keySet()).containsExactly("vx/a");
            assertThat(s.delete("app", "vx/a")).isTrue();
            assertThat(s.delete("app", "vx/a")).isFalse();
        }
    }

    @Test
    void prefixWithLikeWildcardsIsLiteral() {
        try (SqliteStateStore s = SqliteStateStore.open(dir.resolve("k.db"))) {
            s.put("app", "a_b/x", b("1"));
            s.put("app", "aXb/x", b("1"));
            assertThat(s.deletePrefix("app", "a_b/")).isEqualTo(1);
            assertThat(s.list("app").keySet()).containsExactly("aXb/x");
        }
    }
}
