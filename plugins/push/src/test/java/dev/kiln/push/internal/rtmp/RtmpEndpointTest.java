package dev.kiln.push.internal.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RtmpEndpointTest {
  @Test
  void readsHostPortAppAndKey() {
    RtmpEndpoint e = RtmpEndpoint.of(URI.create("rtmp://a.rtmp.youtube.com/live2"), "abcd-efgh");
    assertThat(e).isEqualTo(new RtmpEndpoint("a.rtmp.youtube.com", 1935, false, "live2",
        "rtmp://a.rtmp.youtube.com/live2", "abcd-efgh"));
  }

  @Test
  void rtmpsDefaultsTo443AndKeepsNestedAppsAndQueries() {
    RtmpEndpoint e = RtmpEndpoint.of(URI.create("rtmps://live.example.com/app/inst/?x=1"),
        "key?token=t");
    assertThat(e.tls()).isTrue();
    assertThat(e.port()).isEqualTo(443);
    assertThat(e.app()).isEqualTo("app/inst?x=1");
    assertThat(e.tcUrl()).isEqualTo("rtmps://live.example.com/app/inst?x=1");
    assertThat(e.streamName()).isEqualTo("key?token=t");
  }

  @Test
  void withoutAKeyTheLastPathSegmentIsTheStreamName() {
    RtmpEndpoint e = RtmpEndpoint.of(URI.create("rtmp://[::1]:19350/live/cam"), "");
    assertThat(e.host()).isEqualTo("::1");
    assertThat(e.address()).isEqualTo("[::1]:19350");
    assertThat(e.app()).isEqualTo("live");
    assertThat(e.tcUrl()).isEqualTo("rtmp://[::1]:19350/live");
    assertThat(e.streamName()).isEqualTo("cam");
  }
}
