package dev.kiln.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.proto.v1.Id3Event;
import dev.kiln.proto.v1.SendEventRequest;
import dev.kiln.proto.v1.StartHlsDumpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybackRequestsTest {
    private static final StreamKey OUT = new StreamKey("default", "app", "s");

    @TempDir
    Path root;

    private static SendEventRequest.Builder event() {
        return SendEventRequest.newBuilder().setEventFormat("id3v2")
                .addEvents(Id3Event.newBuilder().setFrameType("TXXX").setInfo("i").setData("d"));
    }

    @Test
    void eventsAreCheckedFieldByField() {
        PlaybackEvent e = PlaybackRequests.event(event().build());
        assertThat(e.target()).isEqualTo(PlaybackEvent.Target.ALL);
        assertThat(e.frames().get(0).info()).isEqualTo("i");
        assertThat(PlaybackRequests.event(event().setEventType("Audio").build()).target())
                .isEqualTo(PlaybackEvent.Target.AUDIO);
        assertThatThrownBy(() -> PlaybackRequests.event(event().setEventFormat("").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[eventFormat]");
        assertThatThrownBy(() -> PlaybackRequests.event(event().setEventType("data").build()))
                .hasMessageContaining("[eventType]");
        assertThatThrownBy(() -> PlaybackRequests.event(event().clearEvents().build()))
                .hasMessageContaining("[events]");
        assertThatThrownBy(() -> PlaybackRequests.event(event()
                .addEvents(Id3Event.newBuilder().setFrameType("PRIV").setData("x")).build()))
                .hasMessageContaining("[events[1].frameType]");
        assertThatThrownBy(() -> PlaybackRequests.event(event()
                .addEvents(Id3Event.newBuilder().setFrameType("TIT2")).build()))
                .hasMessageContaining("[events[1].data]");
    }

    @Test
    void dumpPathsStayInsideTheDumpFolder() throws Exception {
        StartHlsDumpRequest.Builder ok = StartHlsDumpRequest.newBuilder().setId("a").setOutputPath("x/y")
                .addPlaylist("llhls.m3u8").setInfoFile("x.xml").setUserData("u");
        HlsDumpRequest r = PlaybackRequests.dump(ok.build(), OUT, root);
        assertThat(r.outputPath()).isEqualTo(root.resolve("x/y"));
        assertThat(r.infoFile()).contains(root.resolve("x.xml"));
        assertThat(r.playlists()).containsExactly("llhls.m3u8");
        assertThat(PlaybackRequests.dump(ok.setOutputPath(root.resolve("abs").toString()).build(), OUT, root)
                .outputPath()).isEqualTo(root.resolve("abs"));
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.setOutputPath("../out").build(), OUT, root))
                .hasMessageContaining("[outputPath]");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.setOutputPath("/etc").build(), OUT, root))
                .hasMessageContaining("[outputPath]");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.setOutputPath("").build(), OUT, root))
                .hasMessageContaining("[outputPath]");
        ok.setOutputPath("d");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().setId("").build(), OUT, root))
                .hasMessageContaining("[id]");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().setInfoFile("../../i.xml").build(), OUT, root))
                .hasMessageContaining("[infoFile]");
        Files.writeString(root.resolve("taken.xml"), "x");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().setInfoFile("taken.xml").build(), OUT, root))
                .hasMessageContaining("[infoFile]").hasMessageContaining("already exists");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().clearPlaylist().addPlaylist("../a.m3u8").build(),
                OUT, root)).hasMessageContaining("[playlist[0]]");
    }
}
