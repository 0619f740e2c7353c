package dev.kiln.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.proto.v1.Id3Event;
import dev.kiln.proto.v1.SendEventRequest;
import dev.kiln.proto.v1.StartHlsDumpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        StorageRoots roots = new StorageRoots("dump folders", List.of(root));
        StartHlsDumpRequest.Builder ok = StartHlsDumpRequest.newBuilder().setId("a").setOutputPath("x/y")
                .addPlaylist("llhls.m3u8").setInfoFile("x.xml").setUserData("u");
        HlsDumpRequest r = PlaybackRequests.dump(ok.build(), OUT, roots);
        assertThat(r.outputPath()).isEqualTo(root.resolve("x/y"));
        assertThat(r.infoFile()).contains(root.resolve("x.xml"));
        assertThat(r.playlists()).containsExactly("llhls.m3u8");
        assertThat(PlaybackRequests.dump(ok.setOutputPath(root.resolve("abs").toString()).build(), OUT, roots)
                .outputPath()).isEqualTo(root.resolve("abs"));
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.setOutputPath("../out").build(), OUT, roots))
                .hasMessageContaining("[outputPath]");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.setOutputPath("/etc").build(), OUT, roots))
                .hasMessageContaining("[outputPath]").hasMessageContaining("outside the dump folders");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.setOutputPath("").build(), OUT, roots))
                .hasMessageContaining("[outputPath]");
        ok.setOutputPath("d");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().setId("").build(), OUT, roots))
                .hasMessageContaining("[id]");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().setInfoFile("../../i.xml").build(), OUT, roots))
                .hasMessageContaining("[infoFile]");
        Files.writeString(root.resolve("taken.xml"), "x");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().setInfoFile("taken.xml").build(), OUT, roots))
                .hasMessageContaining("[infoFile]").hasMessageContaining("already exists");
        assertThatThrownBy(() -> PlaybackRequests.dump(ok.clone().clearPlaylist().addPlaylist("../a.m3u8").build(),
                OUT, roots)).hasMessageContaining("[playlist[0]]");
    }

    @Test
    void aDumpMayGoToAnyDumpRootButNotThroughALinkOutOfThem() throws Exception {
        Path first = Files.createDirectories(root.resolve("dumps"));
        Path second = Files.createDirectories(root.resolve("more"));
        Files.createSymbolicLink(first.resolve("out"), Files.createDirectories(root.resolve("elsewhere")));
        StorageRoots roots = new StorageRoots("dump folders", List.of(first, second));
        StartHlsDumpRequest.Builder r = StartHlsDumpRequest.newBuilder().setId("a")
                .setOutputPath(second.resolve("d").toString()).setInfoFile(second.resolve("d.xml").toString());
        HlsDumpRequest dump = PlaybackRequests.dump(r.build(), OUT, roots);
        assertThat(dump.outputPath()).isEqualTo(second.resolve("d"));
        assertThat(dump.infoFile()).contains(second.resolve("d.xml"));
        assertThatThrownBy(() -> PlaybackRequests.dump(r.clone().setOutputPath("out/d").build(), OUT, roots))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("[outputPath]").hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> PlaybackRequests.dump(r.clone().setInfoFile("out/i.xml").build(), OUT, roots))
                .hasMessageContaining("[infoFile]").hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> PlaybackRequests.dump(r.clone().setInfoFile(second.toString()).build(), OUT, roots))
                .hasMessageContaining("[infoFile]");
    }
}
