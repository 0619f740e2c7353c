package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.TestBundles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bundles dropped into, replaced in and deleted from the plugins folder while the server runs. */
class HotDeployIT {
    private static final String HELLO = TestBundles.HELLO_SYMBOLIC_NAME;
    private static final Duration DEPLOY_LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("hotdeploy"));

    @Test
    void installsUpdatesAndRemovesABundleWithoutRestart() throws IOException {
        Path staging = Files.createTempDirectory(KILN.process().workDir(), "staging-");
        Path deployed = KILN.process().pluginsDir().resolve("hello.jar");

        moveIn(TestBundles.writeHelloBundle(staging, "1.0.0", "hello from v1"), deployed);
        awaitPlugin(hello -> "1.0.0".equals(version(hello)) && hasGreeting(hello, "hello from v1"),
                "bundle 1.0.0 ACTIVE with greeting 'hello from v1'");

        moveIn(TestBundles.writeHelloBundle(staging, "2.0.0", "hello from v2"), deployed);
        JsonNode v2 = awaitPlugin(hello -> "2.0.0".equals(version(hello)) && hasGreeting(hello, "hello from v2"),
                "bundle 2.0.0 ACTIVE with greeting 'hello from v2'");
        assertThat(hasGreeting(v2, "hello from v1")).as("the v1 service is gone").isFalse();
        assertThat(helloBundles()).as("one bundle, updated in place").hasSize(1);

        Files.delete(deployed);
        KILN.process().await("no " + HELLO + " in GET /v1/plugins after deleting its jar", DEPLOY_LIMIT,
                HotDeployIT::helloBundles, List::isEmpty);
        assertThat(KILN.process().isAlive()).as("the same server process throughout").isTrue();
    }

    /** Atomic move into the watched folder, so the server never sees a half-written jar. */
    private static void moveIn(Path jar, Path deployed) throws IOException {
        Files.move(jar, deployed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonNode plugins() {
        JsonNode plugins = ok(KILN.api().get("/v1/plugins"));
        assertThat(plugins.isArray()).as("GET /v1/plugins response %s", plugins).isTrue();
        return plugins;
    }

    private static List<JsonNode> helloBundles() {
        return StreamSupport.stream(plugins().spliterator(), false)
                .filter(p -> HELLO.equals(p.path("symbolicName").asText()))
                .toList();
    }

    private static String version(JsonNode plugin) {
        return plugin.path("version").asText();
    }

    private static boolean hasGreeting(JsonNode plugin, String greeting) {
        return StreamSupport.stream(plugin.path("services").spliterator(), false)
                .anyMatch(s -> greeting.equals(s.path("properties").path("kiln.greeting").asText(null)));
    }

    /** Waits until GET /v1/plugins shows the hello bundle ACTIVE and matching {@code expected}. */
    private static JsonNode awaitPlugin(Predicate<JsonNode> expected, String what) {
        Predicate<JsonNode> activeAndExpected = p -> "ACTIVE".equals(p.path("state").asText()) && expected.test(p);
        return KILN.process().await(what + " in GET /v1/plugins", DEPLOY_LIMIT, HotDeployIT::helloBundles,
                        bundles -> bundles.stream().anyMatch(activeAndExpected))
                .stream().filter(activeAndExpected).findFirst().orElseThrow();
    }
}
