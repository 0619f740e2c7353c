package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starting and stopping the real distribution: bin/kiln, the defaults, SIGTERM, refused settings. */
@ExtendWith(KilnLogOnFailure.class)
class LifecycleIT {

    @Test
    void startsThroughASymlinkWithTheDefaultDataFolderLogsAndStopsCleanlyOnSigterm() {
        KilnProcess kiln = KilnProcess.builder().name("lifecycle").defaultDataDir().viaSymlink().start();
        try (kiln) {
            assertThat(names(ok(kiln.api().get("/v1/vhosts")))).contains("default");
            assertThat(kiln.dataDir()).isEqualTo(kiln.workDir().resolve("data"));
            assertThat(kiln.dataDir().resolve("state/kiln.db"))
                    .as("./data under the working folder holds the state store").isRegularFile();
        }
        assertThat(kiln.isAlive()).isFalse();
        assertThat(kiln.stopTime()).as("time from SIGTERM to exit").isLessThanOrEqualTo(KilnProcess.STOP_LIMIT);

        assertThat(kiln.logEvents()).as("log lines in conf/logback.xml's pattern (HH:mm:ss.SSS LEVEL [thread] logger - msg)")
                .isNotEmpty();
        assertThat(kiln.logEvents()).as("a plain start and stop logs no error")
                .noneMatch(line -> line.matches("\\S+ ERROR .*"));
        assertThat(kiln.log()).as("one event loop per two cores unless KILN_EVENT_LOOPS says otherwise")
                .contains("Event loops: " + Math.max(1, Runtime.getRuntime().availableProcessors() / 2)
                        + " (KILN_EVENT_LOOPS)");
        assertThat(kiln.log()).as("bin/kiln lets Netty free direct buffers on release, without the JDK's cleaner")
                .contains("Direct buffers: freed on release (no cleaner)");
        assertThat(kiln.log()).as("bin/kiln puts the heap on transparent huge pages where the kernel offers them (%s)",
                        transparentHugePages())
                .contains(transparentHugePages().contains("[never]")
                        ? "Java heap: on small pages" : "Java heap: on transparent huge pages");
    }

    private static String transparentHugePages() {
        try {
            return Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).trim();
        } catch (IOException e) {
            return "[never] (not readable: " + e.getMessage() + ")";
        }
    }

    @Test
    void refusesToExposeTheApiWithTheDefaultToken() {
        try (KilnProcess kiln = KilnProcess.builder().name("exposed-default-token")
                .env("KILN_API_BIND", "0.0.0.0").launch()) {
            int code = kiln.awaitExit(Duration.ofSeconds(60));
            assertThat(code).as("exit code").isNotZero();
            assertThat(kiln.log().toLowerCase()).as("the reason is logged")
                    .contains("bind")
                    .contains("token");
        }
    }

    @Test
    void exposesTheApiWithAnotherToken() {
        try (KilnProcess kiln = KilnProcess.builder().name("exposed-own-token")
                .env("KILN_API_BIND", "0.0.0.0")
                .env("KILN_ACCESS_TOKEN", "a-token-only-we-know")
                .start()) {
            assertThat(names(ok(kiln.api().get("/v1/vhosts")))).contains("default");
        }
    }
}
