package dev.kiln.publish.llhls.internal.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.OutputPlaylist;
import dev.kiln.api.stream.OutputPlaylist.Rendition;
import dev.kiln.publish.llhls.internal.LlhlsSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Multivariant playlists an output profile declares: renditions picked by encode name. */
class DeclaredPlaylistsTest {
    static final byte[] OPUS_HEAD = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2, 0x38, 0x01, (byte) 0x80,
        (byte) 0xBB, 0, 0, 0, 0, 0};

    /** bypass_video (H.264), bypass_audio (AAC) and opus (Opus), 7 s of each. */
    static StreamPackager packager(List<OutputPlaylist> playlists) {
        StreamPackager p = new StreamPackager(new PackagerTest.FakeStream(playlists), LlhlsSettings.DEFAULTS);
        p.onTracks(List.of(PackagerTest.VIDEO.withIdAndName(0, "bypass_video"),
                PackagerTest.AUDIO.withIdAndName(1, "bypass_audio"),
                Track.audio(2, Codec.OPUS, 1000, 48000, 2, OPUS_HEAD).withIdAndName(2, "opus")));
        for (int i = 0; i < 7 * 50; i++) {
            p.onPacket(new MediaPacket(2, i * 20L, i * 20L, true, new HeapPayload(new byte[] {(byte) 0xFC, 1})));
        }
        PackagerTest.feed(p, 0, 7);
        assertThat(p.isReady()).isTrue();
        return p;
    }

    @Test
    void aDeclaredPlaylistListsOnlyItsRenditionsInOrder() {
        OutputPlaylist abr = new OutputPlaylist("ABR", "abr", List.of(
                new Rendition("hd", "bypass_video", "bypass_audio"),
                new Rendition("radio", "", "opus")));
        StreamPackager p = packager(List.of(abr));
        String m = Playlists.multivariant(p, "abr.m3u8").orElseThrow();
        assertThat(m).isEqualTo("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n"
                + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio_0\",NAME=\"bypass_audio\",DEFAULT=YES,AUTOSELECT=YES,"
                + "CHANNELS=\"2\",URI=\"chunklist_1_audio_llhls.m3u8\"\n"
                + m.substring(m.indexOf("#EXT-X-STREAM-INF"), m.indexOf("RESOLUTION"))
                + "RESOLUTION=640x360,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"audio_0\"\n"
                + "chunklist_0_video_llhls.m3u8\n"
                + m.substring(m.lastIndexOf("#EXT-X-STREAM-INF"), m.lastIndexOf("CODECS"))
                + "CODECS=\"opus\"\nchunklist_2_audio_llhls.m3u8\n");
        assertThat(m.split("#EXT-X-STREAM-INF", -1)).hasSize(3);
        // llhls.m3u8 still lists every track; an undeclared name is not a playlist
        assertThat(Playlists.multivariant(p, "llhls.m3u8").orElseThrow()).isEqualTo(Playlists.multivariant(p))
                .contains("CODECS=\"avc1.64001f,opus\"");
        assertThat(Playlists.isMultivariant(p, "abr.m3u8")).isTrue();
        assertThat(Playlists.isMultivariant(p, "other.m3u8")).isFalse();
        assertThat(Playlists.multivariant(p, "other.m3u8")).isEmpty();
    }

    @Test
    void renditionsSharingAnAudioEncodeShareItsGroupAndVideoOnlyHasNoGroup() {
        OutputPlaylist two = new OutputPlaylist("", "two", List.of(
                new Rendition("a", "bypass_video", "bypass_audio"),
                new Rendition("b", "bypass_video", "bypass_audio"),
                new Rendition("c", "bypass_video", "")));
        String m = Playlists.multivariant(packager(List.of(two)), "two.m3u8").orElseThrow();
        assertThat(m.split("#EXT-X-MEDIA:", -1)).hasSize(2);
        assertThat(m.split("AUDIO=\"audio_0\"", -1)).hasSize(3);
        assertThat(m).endsWith(",CODECS=\"avc1.64001f\"\nchunklist_0_video_llhls.m3u8\n");
    }

    @Test
    void aPlaylistNamedLlhlsReplacesTheAllTracksOne() {
        OutputPlaylist llhls = new OutputPlaylist("", "llhls", List.of(new Rendition("", "", "bypass_audio")));
        StreamPackager p = packager(List.of(llhls));
        String m = Playlists.multivariant(p, "llhls.m3u8").orElseThrow();
        assertThat(m).doesNotContain("chunklist_0_", "chunklist_2_", "#EXT-X-MEDIA")
                .endsWith("CODECS=\"mp4a.40.2\"\nchunklist_1_audio_llhls.m3u8\n");
        assertThat(Playlists.multivariant(p, "playlist.m3u8")).contains(m);
    }

    @Test
    void aRenditionWhoseTracksAreMissingIsLeftOut() {
        OutputPlaylist p = new OutputPlaylist("", "x", List.of(new Rendition("", "vp9_video", "opus_gone"),
                new Rendition("", "bypass_video", "opus_gone")));
        String m = Playlists.multivariant(packager(List.of(p)), "x.m3u8").orElseThrow();
        assertThat(m.split("#EXT-X-STREAM-INF", -1)).hasSize(2);
        assertThat(m).doesNotContain("#EXT-X-MEDIA", "AUDIO=").contains("chunklist_0_video_llhls.m3u8");
    }
}
