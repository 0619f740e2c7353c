package dev.kiln.ingest.rtmp.internal.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcUrlsTest {
  @Test
  void hostOfTheTcUrl() {
    assertThat(TcUrls.host("rtmp://127.0.0.1:1935/app")).isEqualTo("127.0.0.1");
    assertThat(TcUrls.host("rtmp://Live.Example.COM/app?key=1")).isEqualTo("live.example.com");
    assertThat(TcUrls.host("rtmps://user:pw@example.com:443/app")).isEqualTo("example.com");
    assertThat(TcUrls.host("rtmp://[::1]:1935/app")).isEqualTo("::1");
    assertThat(TcUrls.host("rtmp://host")).isEqualTo("host");
    assertThat(TcUrls.host("")).isEmpty();
    assertThat(TcUrls.host(null)).isEmpty();
    assertThat(TcUrls.host("no-scheme/app")).isEmpty();
  }
}
