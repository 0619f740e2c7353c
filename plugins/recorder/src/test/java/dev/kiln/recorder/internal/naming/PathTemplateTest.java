package dev.kiln.recorder.internal.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
    private static final OffsetDateTime START = OffsetDateTime.of(2026, 3, 5, 7, 8, 9, 123_000_000,
            ZoneOffset.ofHours(9));
    private static final MacroValues V = new MacroValues("tx1", "rec", START, START.plusMinutes(1), "default", "app",
            "cam", "cam_o", 4);

    @Test
    void expandsEveryMacro() {
        PathTemplate t = PathTemplate.parse("/r/${TransactionId}_${Id}_${VirtualHost}_${Application}_${SourceStream}"
                + "_${Stream}_${Sequence}_${StartTime:YYYYMMDDhhmmss}_${EndTime:YYYY-MM-DD_hh.mm.ss.S z}.ts");
        assertThat(t.expand(V)).isEqualTo(
                "/r/tx1_rec_default_app_cam_cam_o_4_20260305070809_2026-03-05_07.09.09.123 +0900.ts");
    }

    @Test
    void aTimeWithoutFormatUsesTheDefault() {
        assertThat(PathTemplate.parse("${StartTime}").expand(V)).isEqualTo("20260305070809");
    }

    @Test
    void unknownOrBrokenMacrosAreRefused() {
        assertThatThrownBy(() -> PathTemplate.parse("a_${Nope}.ts")).hasMessageContaining("${Nope}");
        assertThatThrownBy(() -> PathTemplate.parse("a_${Id.ts")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> PathTemplate.parse("${Id:YYYY}.ts")).hasMessageContaining("no format");
    }

    @Test
    void staticPrefixStopsAtTheFirstMacro() {
        assertThat(PathTemplate.parse("/a/b/${Id}/c.ts").staticPrefix()).isEqualTo("/a/b/");
    }
}
