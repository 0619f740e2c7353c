package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegToolTest {
  @Test
  void bundledFfmpegRunsAndHasWhatTheRtmpTestsNeed() {
    FfmpegTool.Result version = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), List.of("-version"));
    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).contains("--enable-libx264").contains("--enable-libx265");
    FfmpegTool.Result protocols = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), List.of("-protocols"));
    assertThat(protocols.output()).contains("rtmp");
    FfmpegTool.Result probe = FfmpegTool.runFfprobe(Duration.ofSeconds(60), List.of("-version"));
    assertThat(probe.exitCode()).as(probe.output()).isZero();
  }
}
