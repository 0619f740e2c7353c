package dev.kiln.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Node.js example in {@code examples/node-grpc} against the real distribution: a client in
 * another language reaches the gRPC API with the access token as {@code authorization} metadata.
 * Needs {@code node} and {@code npm} on the PATH; {@code npm ci} runs only when the example's
 * {@code node_modules} is missing.
 */
@ExtendWith(KilnLogOnFailure.class)
class NodeGrpcClientIT {
    private static final Duration NPM_CI_LIMIT = Duration.ofMinutes(5);
    private static final Duration NODE_LIMIT = Duration.ofSeconds(60);

    private static KilnProcess kiln;
    private static Path example;
    private static Path outputDir;

    @BeforeAll
    static void startKilnAndInstallClient() throws Exception {
        example = exampleDir();
        kiln = KilnProcess.builder().name("node-grpc").start();
        outputDir = kiln.workDir();
        if (!Files.isDirectory(example.resolve("node_modules"))) {
            Run npmCi = run("npm-ci", List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_CI_LIMIT);
            assertThat(npmCi.exitCode).as("npm ci in %s\n%s", example, npmCi).isZero();
        }
    }

    @AfterAll
    static void stopKiln() {
        if (kiln != null) {
            kiln.close();
        }
    }

    @Test
    void listsVirtualHostsWithTheAccessToken() throws Exception {
        Run listed = listVhosts("list-ok", kiln.token());

        assertThat(listed.exited).as("%s", listed).isTrue();
        assertThat(listed.exitCode).as("%s\n%s", listed, kiln.describe()).isZero();
        assertThat(listed.stdout.strip()).as("%s", listed)
                .startsWith("[")
                .endsWith("]")
                .contains("\"default\"");
    }

    @Test
    void aWrongTokenIsUnauthenticated() throws Exception {
        Run refused = listVhosts("list-wrong-token", "not-" + kiln.token());

        assertThat(refused.exited).as("%s", refused).isTrue();
        assertThat(refused.exitCode).as("%s", refused).isNotZero();
        assertThat(refused.stderr).as("%s", refused).contains("UNAUTHENTICATED");
        assertThat(refused.stdout).as("%s", refused).doesNotContain("default");
    }

    private static Run listVhosts(String name, String token) throws Exception {
        return run(name, List.of("node", "list-vhosts.js"),
                Map.of("KILN_ADDR", "127.0.0.1:" + kiln.apiPort(), "KILN_ACCESS_TOKEN", token),
                NODE_LIMIT);
    }

    /** Runs a command in the example folder; output goes to files so no pipe can fill up. */
    private static Run run(String name, List<String> command, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        Path stdout = outputDir.resolve(name + ".out");
        Path stderr = outputDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(example.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KILN_"));
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command.get(0)
                    + ": Node.js 20+ and npm must be on the PATH for this test", e);
        }
        boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return new Run(String.join(" ", command), exited ? process.exitValue() : -1, exited,
                Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** {@code examples/node-grpc} of this checkout (the tests run in {@code dist/}). */
    private static Path exampleDir() {
        Path root = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
        Path dir = root.resolve("examples/node-grpc");
        assertThat(dir.resolve("list-vhosts.js")).as("the Node.js example").isRegularFile();
        assertThat(root.resolve("proto/target/proto-include/google/api/annotations.proto"))
                .as("google/api protos unpacked by the proto module's build (mvn -B -pl proto package)")
                .isRegularFile();
        return dir;
    }

    private record Run(String command, int exitCode, boolean exited, String stdout, String stderr) {
        @Override
        public String toString() {
            return "`" + command + "` " + (exited ? "exited with " + exitCode : "timed out")
                    + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr + "--- end ---";
        }
    }
}
