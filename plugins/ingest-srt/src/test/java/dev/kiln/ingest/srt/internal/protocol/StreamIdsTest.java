package dev.kiln.ingest.srt.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.ingest.srt.internal.protocol.StreamIds.Target;
import org.junit.jupiter.api.Test;

class StreamIdsTest {
  @Test
  void vhostAppStreamPlainAndUrlEncoded() {
    assertThat(StreamIds.parse("default/app/s1")).isEqualTo(new Target("default", null, "app", "s1", null));
    assertThat(StreamIds.parse("default%2Fapp%2Fs%201")).isEqualTo(new Target("default", null, "app", "s 1", null));
    assertThat(StreamIds.parse("default/app/s1?key=abc").stream()).isEqualTo("s1");
  }

  @Test
  void accessControlSyntax() {
    assertThat(StreamIds.parse("#!::r=default/app/s1")).isEqualTo(new Target("default", null, "app", "s1", null));
    assertThat(StreamIds.parse("#!::u=alice,r=live/stage/cam,m=publish"))
        .isEqualTo(new Target("live", null, "stage", "cam", "alice"));
    assertThat(StreamIds.parse("%23!::r=default/app/s1,m=publish").stream()).isEqualTo("s1");
    assertThatThrownBy(() -> StreamIds.parse("#!::r=default/app/s1,m=request"))
        .hasMessageStartingWith("mode m=request");
    assertThatThrownBy(() -> StreamIds.parse("#!::u=alice")).hasMessageContaining("no r=");
    assertThatThrownBy(() -> StreamIds.parse("#!::r")).hasMessageContaining("key=value");
  }

  @Test
  void omesDeprecatedUrlForm() {
    assertThat(StreamIds.parse("srt%3A%2F%2Flive.example.com%3A9999%2Fapp%2Fs1"))
        .isEqualTo(new Target(null, "live.example.com", "app", "s1", null));
    assertThat(StreamIds.parse("srt://127.0.0.1:9999/app/s2")).isEqualTo(new Target(null, "127.0.0.1", "app", "s2", null));
    assertThatThrownBy(() -> StreamIds.parse("srt%3A%2F%2Fhost%3A9999%2Fapp")).hasMessageContaining("srt://host:port");
  }

  @Test
  void malformedIdsNameTheProblem() {
    assertThatThrownBy(() -> StreamIds.parse("")).hasMessageContaining("no stream id");
    assertThatThrownBy(() -> StreamIds.parse("app/s1")).hasMessageContaining("{vhost}/{app}/{stream}");
    assertThatThrownBy(() -> StreamIds.parse("default//s1")).hasMessageContaining("application name");
    assertThatThrownBy(() -> StreamIds.parse("default/app/%zz")).hasMessageContaining("%-escape");
    assertThatThrownBy(() -> StreamIds.parse("default/app/a\u0001")).hasMessageContaining("control character");
    assertThatThrownBy(() -> StreamIds.parse("x".repeat(600))).hasMessageContaining("longer than");
  }

  @Test
  void stringExtensionsAreWordSwappedAndPadded() {
    byte[] content = Handshake.textContent("default/app/s1xyz");
    assertThat(content).hasSize(20);
    assertThat(new String(content, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("afed");
    assertThat(Handshake.text(content)).isEqualTo("default/app/s1xyz");
  }
}
