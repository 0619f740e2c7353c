package dev.kiln.codec.internal.av;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VideoRenditionTest {
    @Test
    void nvIsRequiredOnlyWithTheRequiredOption() {
        assertThat(VideoRendition.requires("nv:required", "nv")).isTrue();
        assertThat(VideoRendition.requires("nv:0:required", "nv")).isTrue();
        assertThat(VideoRendition.requires("x264, NV:Required", "nv")).isTrue();
        assertThat(VideoRendition.requires("nv", "nv")).isFalse();
        assertThat(VideoRendition.requires("nv:0", "nv")).isFalse();
        assertThat(VideoRendition.requires("x264:required", "nv")).isFalse();
        assertThat(VideoRendition.requires("", "nv")).isFalse();
    }
}
