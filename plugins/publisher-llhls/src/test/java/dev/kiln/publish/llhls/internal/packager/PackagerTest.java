package dev.kiln.publish.llhls.internal.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.publish.Id3Frame;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.OutputPlaylist;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.publish.llhls.internal.LlhlsSettings;
import dev.kiln.publish.llhls.internal.fmp4.Boxes;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The packager fed with timed packets: 30 fps video with a key frame every second, and AAC. */
class PackagerTest {
    static final byte[] AVCC = {1, 0x64, 0x00, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x64, 0x00, 0x1F,
        1, 0, 2, 0x68, (byte) 0xEE};
    static final byte[] ASC = {0x11, (byte) 0x90};
    static final Track VIDEO = Track.video(0, Codec.H264, 1000, 640, 360, AVCC);
    static final Track AUDIO = Track.audio(1, Codec.AAC, 1000, 48000, 2, ASC);
    static final Track OPUS = Track.audio(2, Codec.OPUS, 1000, 48000, 2, new byte[0]);

    /** Feeds {@code seconds} of interleaved media (timestamps in ms, as RTMP gives them). */
    static void feed(StreamPackager p, double fromSeconds, double seconds) {
        List<MediaPacket> packets = new ArrayList<>();
        int firstFrame = (int) Math.round(fromSeconds * 30);
        for (int i = firstFrame; i < firstFrame + seconds * 30; i++) {
            long ts = Math.round(i * 1000.0 / 30);
            packets.add(new MediaPacket(0, ts, ts, i % 30 == 0, new HeapPayload(new byte[] {0, 0, 0, 1, 0x65})));
        }
        int firstAudio = (int) Math.ceil(fromSeconds * 48000 / 1024);
        for (int i = firstAudio; i * 1024 / 48000.0 < fromSeconds + seconds; i++) {
            long ts = Math.round(i * 1024 * 1000.0 / 48000);
            packets.add(new MediaPacket(1, ts, ts, true, new HeapPayload(new byte[] {0x21, 0x10})));
        }
        packets.sort((a, b) -> Long.compare(a.dts(), b.dts()));
        packets.forEach(p::onPacket);
    }

    static StreamPackager packager(LlhlsSettings settings) {
        StreamPackager p = new StreamPackager(new FakeStream(), settings);
        p.onTracks(List.of(VIDEO, AUDIO, OPUS));
        return p;
    }

    @Test
    void partsStayWithinTheTargetAndSegmentsStartOnKeyFrames() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        assertThat(p.tracks()).extracting(t -> t.format().codecs()).containsExactly("avc1.64001f", "mp4a.40.2");
        feed(p, 0, 20);
        TrackPackager video = p.track(0).orElseThrow();
        TrackWindow w = video.window();
        assertThat(w.segments()).hasSize(3);
        for (Segment s : w.segments()) {
            assertThat(s.duration()).isCloseTo(6.0, org.assertj.core.data.Offset.offset(0.05));
            assertThat(s.parts().get(0).independent()).isTrue();
            for (Part part : s.parts()) {
                assertThat(part.duration()).isLessThanOrEqualTo(0.5).isGreaterThan(0.3);
            }
        }
        assertThat(w.segments()).extracting(Segment::msn).containsExactly(1L, 2L, 3L);
        assertThat(w.open().msn()).isEqualTo(4);
        TrackPackager audio = p.track(1).orElseThrow();
        for (Segment s : audio.window().segments()) {
            for (Part part : s.parts()) {
                assertThat(part.duration()).isLessThanOrEqualTo(0.5);
            }
        }
        assertThat(p.isReady()).isTrue();
        // each part is a CMAF chunk whose tfdt follows the previous part's end
        long expected = -1;
        for (Segment s : w.segments()) {
            for (Part part : s.parts()) {
                var tfdt = Boxes.find(part.data(), "moof/traf/tfdt").orElseThrow().payload();
                long t = tfdt.getLong(4);
                if (expected >= 0) {
                    assertThat(t).isEqualTo(expected);
                }
                expected = t + Math.round(part.duration() * 90_000);
            }
        }
    }

    @Test
    void aStreamIsReadyOnceEveryTrackHasACompleteSegment() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        assertThat(p.isReady()).isFalse();
        feed(p, 0, 3);
        assertThat(p.track(0).orElseThrow().window().hasParts()).isTrue();
        assertThat(p.isReady()).isFalse();
        feed(p, 3, 4);
        assertThat(p.isReady()).isTrue();
    }

    @Test
    void aTrackWithoutPacketsDoesNotHoldTheStreamBack() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        for (int i = 0; i < 13 * 30; i++) {
            long ts = Math.round(i * 1000.0 / 30);
            p.onPacket(new MediaPacket(0, ts, ts, i % 30 == 0, new HeapPayload(new byte[] {0, 0, 0, 1, 0x65})));
        }
        assertThat(p.track(0).orElseThrow().window().segments()).hasSize(2);
        assertThat(p.isReady()).isTrue();
        String master = Playlists.multivariant(p);
        assertThat(master).contains("CODECS=\"avc1.64001f\"\nchunklist_0_video_llhls.m3u8")
                .doesNotContain("chunklist_1_", "#EXT-X-MEDIA");
    }

    @Test
    void theWindowKeepsACoupleMoreSegmentsThanThePlaylistLists() {
        LlhlsSettings s = new LlhlsSettings(0.5, 1, 3, 1.5, List.of("*"));
        StreamPackager p = packager(s);
        feed(p, 0, 12);
        TrackWindow w = p.track(0).orElseThrow().window();
        assertThat(w.segments()).hasSize(6); // segmentCount + 3
        String playlist = Playlists.media(p, p.track(0).orElseThrow(), false);
        assertThat(count(playlist, "#EXTINF:")).isEqualTo(3);
        assertThat(playlist).contains("#EXT-X-TARGETDURATION:1\n", "#EXT-X-MEDIA-SEQUENCE:9\n");
    }

    @Test
    void mediaPlaylistHasTheLowLatencyTags() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        feed(p, 0, 13);
        TrackPackager video = p.track(0).orElseThrow();
        String m = Playlists.media(p, video, false);
        assertThat(m).startsWith("#EXTM3U\n#EXT-X-TARGETDURATION:6\n")
                .contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=36.0,PART-HOLD-BACK=1.5\n",
                        "#EXT-X-PART-INF:PART-TARGET=0.5\n", "#EXT-X-MEDIA-SEQUENCE:1\n",
                        "#EXT-X-MAP:URI=\"init_0_video_llhls.m4s\"\n", "#EXT-X-PROGRAM-DATE-TIME:",
                        "#EXT-X-PART:DURATION=", ",INDEPENDENT=YES", "#EXTINF:6.0,\nseg_0_1_video_llhls.m4s\n",
                        "#EXT-X-RENDITION-REPORT:URI=\"chunklist_1_audio_llhls.m3u8\",LAST-MSN=");
        long[] next = video.window().nextPart();
        assertThat(m).contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_0_" + next[0] + "_" + next[1]
                + "_video_llhls.m4s\"");
        assertThat(m).doesNotContain("#EXT-X-SKIP", "#EXT-X-ENDLIST");

        String master = Playlists.multivariant(p);
        assertThat(master).contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio_0\"",
                "URI=\"chunklist_1_audio_llhls.m3u8\"", "RESOLUTION=640x360",
                "CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"audio_0\"\nchunklist_0_video_llhls.m3u8\n");
        assertThat(master).doesNotContain("chunklist_2_");
    }

    @Test
    void anOpusTrackIsPackagedAt48KhzAndGetsAVariantOfItsOwn() {
        byte[] head = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2, 0x38, 0x01, (byte) 0x80, (byte) 0xBB, 0, 0, 0, 0, 0};
        Track opus = Track.audio(2, Codec.OPUS, 1000, 48000, 2, head);
        StreamPackager p = new StreamPackager(new FakeStream(), LlhlsSettings.DEFAULTS);
        p.onTracks(List.of(VIDEO, opus, AUDIO)); // Opus declared before AAC
        assertThat(p.tracks()).extracting(t -> t.format().codecs()).containsExactly("avc1.64001f", "opus", "mp4a.40.2");
        List<MediaPacket> packets = new ArrayList<>();
        for (int i = 0; i < 7 * 50; i++) { // 20 ms frames, millisecond timestamps
            packets.add(new MediaPacket(2, i * 20L, i * 20L, true, new HeapPayload(new byte[] {(byte) 0xFC, 1})));
        }
        packets.forEach(p::onPacket);
        feed(p, 0, 7);
        TrackPackager track = p.track(2).orElseThrow();
        Segment first = track.window().segments().get(0);
        assertThat(first.duration()).isCloseTo(6.0, org.assertj.core.data.Offset.offset(0.05));
        var trun = Boxes.find(first.parts().get(0).data(), "moof/traf/trun").orElseThrow().payload();
        assertThat(trun.getInt(4 + 4 + 4)).as("first sample duration, 48 kHz units").isEqualTo(960);

        String master = Playlists.multivariant(p);
        assertThat(master).contains(
                "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio_0\",NAME=\"audio_1\"",
                "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio_1\",NAME=\"audio_2\"",
                "URI=\"chunklist_2_audio_llhls.m3u8\"",
                "CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"audio_0\"\nchunklist_0_video_llhls.m3u8\n",
                "CODECS=\"avc1.64001f,opus\",AUDIO=\"audio_1\"\nchunklist_0_video_llhls.m3u8\n");
        assertThat(master.indexOf("mp4a.40.2")).as("the AAC variant first").isLessThan(master.indexOf(",opus"));
    }

    @Test
    void aRenderedPlaylistIsSharedUntilTheStreamChanges() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        feed(p, 0, 7);
        TrackPackager video = p.track(0).orElseThrow();
        byte[] first = Playlists.mediaBytes(p, video, false);
        assertThat(Playlists.mediaBytes(p, video, false)).isSameAs(first);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(Playlists.media(p, video, false));
        assertThat(Playlists.mediaBytes(p, video, true)).isNotSameAs(first);
        feed(p, 7, 1);
        byte[] later = Playlists.mediaBytes(p, video, false);
        assertThat(later).isNotSameAs(first);
        assertThat(new String(later, StandardCharsets.UTF_8)).isEqualTo(Playlists.media(p, video, false));
    }

    @Test
    void deltaUpdatesSkipTheOldSegments() {
        LlhlsSettings s = new LlhlsSettings(0.5, 1, 20, 1.5, List.of("*"));
        StreamPackager p = packager(s);
        feed(p, 0, 15);
        TrackPackager video = p.track(0).orElseThrow();
        String full = Playlists.media(p, video, false);
        String delta = Playlists.media(p, video, true);
        Matcher m = Pattern.compile("#EXT-X-SKIP:SKIPPED-SEGMENTS=(\\d+)").matcher(delta);
        assertThat(m.find()).isTrue();
        int skipped = Integer.parseInt(m.group(1));
        assertThat(skipped).isEqualTo(count(full, "#EXTINF:") - count(delta, "#EXTINF:")).isPositive();
        assertThat(delta).contains("#EXT-X-VERSION:9");
        // what is left covers at least CAN-SKIP-UNTIL (6 s)
        assertThat(count(delta, "#EXTINF:")).isGreaterThanOrEqualTo(6);
    }

    /**
     * A player joins as soon as the stream is ready: one complete segment, the next one in
     * parts. hls.js 1.4 only sends blocking reloads ({@code _HLS_msn}/{@code _HLS_part}) when
     * the number of the last complete segment is not 0 ({@code details.endSN && …}); with 0 it
     * polled the playlist once a target duration (6 s) and the video stalled for seconds.
     */
    @Test
    void thePlaylistAPlayerJoinsOnNamesItsLastSegmentWithANumberAboveZero() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        feed(p, 0, 7);
        assertThat(p.isReady()).isTrue();
        for (TrackPackager t : p.tracks()) {
            String m = Playlists.media(p, t, false);
            long first = Long.parseLong(find(m, "#EXT-X-MEDIA-SEQUENCE:(\\d+)\n"));
            long lastComplete = first + count(m, "#EXTINF:") - 1;
            assertThat(count(m, "#EXTINF:")).as(m).isEqualTo(1);
            assertThat(lastComplete).as("the endSN hls.js derives from\n%s", m).isGreaterThan(0);
            assertThat(m).contains("#EXTINF:", t.segmentName(lastComplete));
            long[] next = t.window().nextPart();
            assertThat(next[0]).isEqualTo(lastComplete + 1);
        }
    }

    @Test
    void blockingReloadConditions() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        feed(p, 0, 7);
        TrackWindow w = p.track(0).orElseThrow().window();
        assertThat(w.has(1, -1)).isTrue(); // segment 1 complete
        assertThat(w.has(2, -1)).isFalse();
        assertThat(w.has(2, 0)).isTrue();
        long[] next = w.nextPart();
        assertThat(w.has(next[0], (int) next[1])).isFalse();
        assertThat(w.has(1, 40)).isTrue(); // beyond segment 1's parts, and segment 2 has parts
        List<Boolean> woken = new ArrayList<>();
        p.watch(s -> {
            boolean ready = s.track(0).orElseThrow().window().has(next[0], (int) next[1]);
            woken.add(ready);
            return !ready;
        });
        feed(p, 7, 1);
        assertThat(woken).isNotEmpty().endsWith(true);
    }

    @Test
    void anEventGoesIntoTheNextPartOfTheChosenTracks() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        feed(p, 0, 2);
        int tracks = p.sendEvent(new PlaybackEvent(PlaybackEvent.Target.AUDIO,
                List.of(new Id3Frame("TXXX", "k", "marker-value"))));
        assertThat(tracks).isEqualTo(1);
        feed(p, 2, 2);
        assertThat(emsgs(p.track(1).orElseThrow())).isEqualTo(1);
        assertThat(emsgs(p.track(0).orElseThrow())).isZero();
        Part withEvent = p.track(1).orElseThrow().window().open().parts().stream()
                .filter(x -> Boxes.top(x.data()).get(0).type().equals("emsg")).findFirst().orElseThrow();
        assertThat(new String(withEvent.data(), StandardCharsets.UTF_8)).contains("marker-value");
    }

    @Test
    void theEndClosesTheLastSegmentAndEndsThePlaylist() {
        StreamPackager p = packager(LlhlsSettings.DEFAULTS);
        feed(p, 0, 8);
        p.onEnd();
        TrackPackager video = p.track(0).orElseThrow();
        assertThat(video.window().segments()).hasSize(2);
        assertThat(Playlists.media(p, video, false)).endsWith("#EXT-X-ENDLIST\n");
        assertThat(p.isReady()).isFalse();
    }

    @Test
    void settingsComeFromTheApplicationAndNameTheBadKey() {
        LlhlsSettings s = LlhlsSettings.from(Map.of("chunkDuration", 0.25, "segmentDuration", 4.0,
                "segmentCount", 5.0, "crossDomains", List.of("https://a.example")));
        assertThat(s.partTarget()).isEqualTo(0.25);
        assertThat(s.partHoldBack()).isEqualTo(0.75);
        assertThat(s.segmentCount()).isEqualTo(5);
        assertThat(s.crossDomains()).containsExactly("https://a.example");
        assertThat(LlhlsSettings.from(Map.of())).isEqualTo(LlhlsSettings.DEFAULTS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LlhlsSettings.from(Map.of("segmentCount", 2.5)))
                .hasMessageContaining("publishers.llhls.segmentCount");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LlhlsSettings.from(Map.of("chunkDuration", "x")))
                .hasMessageContaining("publishers.llhls.chunkDuration");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LlhlsSettings.from(Map.of("partHoldBack", 0.5)))
                .hasMessageContaining("publishers.llhls.partHoldBack");
    }

    private static int emsgs(TrackPackager t) {
        int n = 0;
        List<Segment> all = new ArrayList<>(t.window().segments());
        all.add(t.window().open());
        for (Segment s : all) {
            for (Part part : s.parts()) {
                if (Boxes.top(part.data()).get(0).type().equals("emsg")) {
                    n++;
                }
            }
        }
        return n;
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in\n%s", regex, text).isTrue();
        return m.group(1);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** An output stream that is only a key (the packager is fed directly). */
    static final class FakeStream implements LiveStream {
        private final List<OutputPlaylist> playlists;

        FakeStream() {
            this(List.of());
        }

        FakeStream(List<OutputPlaylist> playlists) {
            this.playlists = playlists;
        }

        @Override
        public List<OutputPlaylist> playlists() {
            return playlists;
        }

        @Override
        public StreamKey key() {
            return new StreamKey("default", "app", "s");
        }

        @Override
        public boolean isInput() {
            return false;
        }

        @Override
        public StreamKey inputKey() {
            return key();
        }

        @Override
        public String sourceType() {
            return "Rtmp";
        }

        @Override
        public OffsetDateTime createdTime() {
            return OffsetDateTime.now();
        }

        @Override
        public List<Track> tracks() {
            return List.of(VIDEO, AUDIO);
        }

        @Override
        public List<UnavailableTrack> unavailableTracks() {
            return List.of();
        }

        @Override
        public TrackStats trackStats(int trackId) {
            return TrackStats.NONE;
        }

        @Override
        public TrafficStats traffic() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription subscribe(StreamSink sink, String kind, int queueSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void disconnect() {}
    }
}
