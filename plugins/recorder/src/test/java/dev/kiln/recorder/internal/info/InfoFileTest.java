package dev.kiln.recorder.internal.info;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoFileTest {
    @TempDir
    Path dir;

    @Test
    void entriesAccumulateAndReadBack() throws Exception {
        Path info = dir.resolve("sub/info.xml");
        FileEntry a = entry(0, false, "meta <&> \"x\"");
        FileEntry b = entry(1, true, "");
        InfoFile.append(info, a);
        InfoFile.append(info, b);
        assertThat(InfoFile.read(info)).containsExactly(a, b);
        String xml = Files.readString(info);
        assertThat(xml).startsWith("<?xml").contains("<files>", "<file>", "<transactionId>tx</transactionId>",
                "<lastSequence>true</lastSequence>", "&lt;&amp;&gt;");
        try (var files = Files.list(info.getParent())) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
    }

    private static FileEntry entry(int seq, boolean last, String metadata) {
        return new FileEntry("tx", "id1", metadata, "default", "app", "s", "/r/f" + seq + ".ts", 1000 + seq,
                3000, seq, last, "2026-01-01T00:00:00.000+00:00", "2026-01-01T00:00:01.000+00:00",
                "2026-01-01T00:00:04.000+00:00");
    }
}
