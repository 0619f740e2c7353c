package dev.kiln.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.proto.v1.Plugin;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

class PluginControlServiceTest {

  @TempDir Path temp;

  @Test
  void listsEveryBundleInIdOrderWithItsServices() throws Exception {
    try (RunningHost running = RunningHost.start(temp)) {
      List<Plugin> plugins = running.list();

      assertThat(plugins.stream().map(Plugin::getId).collect(Collectors.toList()))
          .isSorted()
          .doesNotHaveDuplicates()
          .startsWith(0L)
          .hasSize(running.host.context().getBundles().length);
      Plugin framework = plugins.get(0);
      assertThat(framework.getSymbolicName()).isEqualTo("org.apache.felix.framework");
      assertThat(framework.getVersion()).isEqualTo("7.0.5");
      assertThat(framework.getState()).isEqualTo("ACTIVE");
      assertThat(framework.getLocation()).isEqualTo("System Bundle");

      Plugin scr = running.find("org.apache.felix.scr").orElseThrow();
      assertThat(scr.getName()).isEqualTo("Apache Felix Declarative Services");
      assertThat(scr.getVersion()).isEqualTo("2.2.12");
      assertThat(scr.getLocation()).startsWith("reference:file:").endsWith(".jar");
      assertThat(scr.getServicesList())
          .anySatisfy(
              s -> {
                assertThat(s.getId()).isPositive();
                assertThat(s.getInterfacesList())
                    .contains("org.osgi.service.component.runtime.ServiceComponentRuntime");
                assertThat(s.getPropertiesMap())
                    .containsEntry("service.bundleid", Long.toString(scr.getId()))
                    .doesNotContainKeys("objectClass", "service.id");
              });
      for (Plugin plugin : plugins) {
        assertThat(plugin.getLastModified())
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d");
      }
    }
  }

  @Test
  void lastModifiedIsIsoWithOffsetAndMilliseconds() {
    long millis = 1_764_057_123_456L;

    String text = PluginControlService.lastModified(millis);

    OffsetDateTime parsed = OffsetDateTime.parse(text);
    assertThat(parsed.toInstant().toEpochMilli()).isEqualTo(millis);
    assertThat(text)
        .matches(".*T\\d\\d:\\d\\d:\\d\\d\\.456[+-]\\d\\d:\\d\\d")
        .endsWith(parsed.getOffset().getId().replace("Z", "+00:00"));
  }

  @Test
  void propertiesAreShownAsText() {
    assertThat(PluginControlService.propertyText("hello")).isEqualTo("hello");
    assertThat(PluginControlService.propertyText(42L)).isEqualTo("42");
    assertThat(PluginControlService.propertyText(new String[] {"a", "b"})).isEqualTo("[a, b]");
    assertThat(PluginControlService.propertyText(new int[] {1, 2})).isEqualTo("[1, 2]");
    assertThat(PluginControlService.propertyText(List.of("x"))).isEqualTo("[x]");
  }

  @Test
  void statesHaveTheirOsgiNames() {
    assertThat(PluginControlService.stateName(Bundle.INSTALLED)).isEqualTo("INSTALLED");
    assertThat(PluginControlService.stateName(Bundle.RESOLVED)).isEqualTo("RESOLVED");
    assertThat(PluginControlService.stateName(Bundle.STARTING)).isEqualTo("STARTING");
    assertThat(PluginControlService.stateName(Bundle.ACTIVE)).isEqualTo("ACTIVE");
    assertThat(PluginControlService.stateName(Bundle.STOPPING)).isEqualTo("STOPPING");
    assertThat(PluginControlService.stateName(Bundle.UNINSTALLED)).isEqualTo("UNINSTALLED");
  }
}
