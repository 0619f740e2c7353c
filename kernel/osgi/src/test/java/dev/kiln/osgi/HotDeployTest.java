package dev.kiln.osgi;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.kiln.proto.v1.Plugin;
import dev.kiln.proto.v1.RegisteredService;
import dev.kiln.testkit.TestBundles;
import dev.kiln.testkit.broken.BrokenActivator;
import dev.kiln.testkit.hello.HelloActivator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class HotDeployTest {

  private static final Logger LOG = LoggerFactory.getLogger(HotDeployTest.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path temp;
  private Path staging;
  private CapturedLog log;
  private RunningHost running;

  @BeforeEach
  void start() throws Exception {
    staging = temp.resolve("staging");
    log = CapturedLog.attach();
    running = RunningHost.start(temp);
    log.notify(running.watch);
  }

  @AfterEach
  void stop() {
    running.close();
    log.close();
  }

  @Test
  void aJarIsInstalledUpdatedAndUninstalledWithoutARestart() throws Exception {
    Path deployed = running.pluginsDir.resolve("hello.jar");

    long t0 = System.nanoTime();
    Files.move(
        TestBundles.writeHelloBundle(staging, "1.0.0", "hello from v1"), deployed, ATOMIC_MOVE);
    Plugin v1 = awaitHello("1.0.0", "hello from v1");
    long installedMs = elapsedMs(t0);

    assertThat(v1.getLocation()).endsWith("/plugins/hello.jar");
    assertThat(v1.getName()).isEqualTo("Kiln hello test bundle");
    RegisteredService service = helloService(v1).orElseThrow();
    assertThat(service.getInterfacesList()).containsExactly(Supplier.class.getName());
    assertThat(service.getPropertiesMap())
        .containsEntry("kiln.plugin", "hello")
        .containsEntry("kiln.greeting", "hello from v1")
        .doesNotContainKeys("objectClass", "service.id");
    assertThat(greetingFromTheService()).isEqualTo("hello from v1");

    long t1 = System.nanoTime();
    Files.move(
        TestBundles.writeHelloBundle(staging, "2.0.0", "hello from v2"),
        deployed,
        ATOMIC_MOVE,
        REPLACE_EXISTING);
    Plugin v2 = awaitHello("2.0.0", "hello from v2");
    long updatedMs = elapsedMs(t1);

    assertThat(v2.getId()).as("updated in place, not installed again").isEqualTo(v1.getId());
    assertThat(greetingFromTheService()).isEqualTo("hello from v2");

    long t2 = System.nanoTime();
    Files.delete(deployed);
    running.watch.until(
        "the hello bundle to be uninstalled",
        TIMEOUT,
        () -> present(running.find(TestBundles.HELLO_SYMBOLIC_NAME).isEmpty()));
    long uninstalledMs = elapsedMs(t2);

    LOG.info(
        "hot deploy: installed and active in {} ms, updated in {} ms, uninstalled in {} ms",
        installedMs, updatedMs, uninstalledMs);
    // Bundle events are logged from the framework's event thread: wait for the last one.
    List<String> lines =
        List.of(
            "INFO installed bundle dev.kiln.testkit.hello 1.0.0 [" + v1.getId() + "] from "
                + v1.getLocation(),
            "INFO updated bundle dev.kiln.testkit.hello 2.0.0 [" + v1.getId() + "]",
            "INFO uninstalled bundle dev.kiln.testkit.hello 2.0.0 [" + v1.getId() + "]");
    running.watch.until(
        "the install, update and uninstall log lines",
        TIMEOUT,
        () -> present(log.messagesAtLeast(Level.INFO).containsAll(lines)));
    assertThat(log.messagesAtLeast(Level.WARN)).isEmpty();
  }

  @Test
  void aBundleWhoseActivatorThrowsIsReportedAndTheHostKeepsRunning() throws Exception {
    Files.move(
        TestBundles.writeBrokenBundle(staging),
        running.pluginsDir.resolve("broken.jar"),
        ATOMIC_MOVE);

    String warning =
        running.watch.until(
            "a warning about the broken bundle",
            TIMEOUT,
            () -> log.messagesAtLeast(Level.WARN).stream()
                .filter(m -> m.contains(BrokenActivator.FAILURE))
                .findFirst());
    assertThat(warning).startsWith("WARN ").doesNotContain("\n");
    Plugin broken = running.find(TestBundles.BROKEN_SYMBOLIC_NAME).orElseThrow();
    assertThat(broken.getState()).isEqualTo("RESOLVED");
    assertThat(broken.getServicesList()).isEmpty();

    Files.move(
        TestBundles.writeHelloBundle(staging, "1.0.0", "still here"),
        running.pluginsDir.resolve("hello.jar"),
        ATOMIC_MOVE);
    awaitHello("1.0.0", "still here");
    assertThat(running.find("org.apache.felix.scr").orElseThrow().getState()).isEqualTo("ACTIVE");
    assertThat(running.find(TestBundles.BROKEN_SYMBOLIC_NAME).orElseThrow().getState())
        .isEqualTo("RESOLVED");
    // FileInstall tries failed bundles again when the folder changes: one warning per attempt.
    assertThat(log.messagesAtLeast(Level.WARN))
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m).startsWith("WARN ").contains(BrokenActivator.FAILURE));
  }

  @Test
  void aBundleThatCannotResolveIsReportedAndStaysInstalled() throws Exception {
    Path jar = staging.resolve("unresolvable.jar");
    ManifestJars.write(
        jar,
        Map.of(
            "Bundle-ManifestVersion", "2",
            "Bundle-SymbolicName", "dev.kiln.test.unresolvable",
            "Bundle-Version", "1.0.0",
            "Import-Package", "dev.kiln.nowhere;version=\"[1,2)\""));
    Files.move(jar, running.pluginsDir.resolve("unresolvable.jar"), ATOMIC_MOVE);

    String warning =
        running.watch.until(
            "a warning about the unresolvable bundle",
            TIMEOUT,
            () -> log.messagesAtLeast(Level.WARN).stream()
                .filter(m -> m.contains("dev.kiln.nowhere"))
                .findFirst());
    assertThat(warning).startsWith("WARN ");
    assertThat(running.find("dev.kiln.test.unresolvable").orElseThrow().getState())
        .isEqualTo("INSTALLED");
  }

  private Plugin awaitHello(String version, String greeting) throws InterruptedException {
    return running.watch.until(
        "hello " + version + " active with greeting '" + greeting + "'",
        TIMEOUT,
        () -> running.find(TestBundles.HELLO_SYMBOLIC_NAME)
            .filter(p -> p.getState().equals("ACTIVE") && p.getVersion().equals(version))
            .filter(p -> greeting.equals(greetingProperty(p))));
  }

  private static Optional<RegisteredService> helloService(Plugin plugin) {
    return plugin.getServicesList().stream()
        .filter(s -> HelloActivator.PLUGIN_NAME.equals(property(s, HelloActivator.PLUGIN_PROPERTY)))
        .findFirst();
  }

  private static String greetingProperty(Plugin plugin) {
    return helloService(plugin)
        .map(s -> property(s, HelloActivator.GREETING_PROPERTY))
        .orElse(null);
  }

  private static String property(RegisteredService service, String key) {
    return service.getPropertiesMap().get(key);
  }

  private static Optional<Boolean> present(boolean condition) {
    return condition ? Optional.of(true) : Optional.empty();
  }

  /** Calls the hello service itself: its class loader's type is the host's Supplier. */
  @SuppressWarnings("unchecked")
  private String greetingFromTheService() throws Exception {
    BundleContext context = running.host.context();
    Collection<ServiceReference<Supplier>> references =
        context.getServiceReferences(Supplier.class, "(kiln.plugin=hello)");
    assertThat(references).hasSize(1);
    ServiceReference<Supplier> reference = references.iterator().next();
    try {
      return (String) context.getService(reference).get();
    } finally {
      context.ungetService(reference);
    }
  }

  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
