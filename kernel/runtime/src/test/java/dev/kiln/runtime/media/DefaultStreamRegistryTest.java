package dev.kiln.runtime.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.OutputPlaylist;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.Host;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.runtime.config.DeclaredVirtualHost;
import dev.kiln.runtime.model.VirtualHostRegistry;
import dev.kiln.runtime.state.SqliteStateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultStreamRegistryTest {
    @TempDir
    Path dir;

    private SqliteStateStore store;
    private StreamEvents events;
    private DefaultStreamRegistry bus;
    private static final StreamKey KEY = new StreamKey("default", "app", "cam");
    private static final Track VIDEO = Track.video(0, Codec.H264, 1000, 1280, 720, new byte[] {1, 2});
    private static final Track AUDIO = Track.audio(1, Codec.AAC, 1000, 48000, 2, new byte[] {0x11, (byte) 0x90});

    @BeforeEach
    void start() {
        CountingPayload.ALL.clear();
        store = SqliteStateStore.open(dir.resolve("k.db"));
        VirtualHostRegistry model = VirtualHostRegistry.load(List.of(new DeclaredVirtualHost(
                VirtualHost.newBuilder().setName("default").setHost(Host.newBuilder().addNames("*")).build(),
                List.of(Application.newBuilder().setName("app").build()))), store);
        events = new StreamEvents(List::of);
        bus = new DefaultStreamRegistry(model, events, Clock.systemUTC(), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        bus.close();
        events.close();
        store.close();
    }

    private static MediaPacket packet(int track, long t, boolean key) {
        return new MediaPacket(track, t, t, key, new CountingPayload(100));
    }

    private StreamWriter publish(Runnable disconnector) {
        return bus.publish(new PublishRequest(KEY, "Rtmp", "127.0.0.1:5000", disconnector));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Collects what a sink receives. */
    static class Collector implements StreamSink {
        final List<List<Track>> tracks = new CopyOnWriteArrayList<>();
        final List<MediaPacket> packets = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void onTracks(List<Track> t) {
            tracks.add(t);
        }

        @Override
        public void onPacket(MediaPacket p) {
            packets.add(p);
            p.payload().release();
        }

        @Override
        public void onEnd() {
            ended.countDown();
        }
    }

    @Test
    void aPublisherFeedIsNotAConnectionButItsViewersAre() throws Exception {
        StreamWriter w = publish(() -> {});
        w.setTracks(List.of(VIDEO, AUDIO));
        LiveStream output = bus.findOutput(KEY).orElseThrow();
        Collector feed = new Collector();
        var sub = output.subscribe(feed, LiveStream.UNCOUNTED, 100);
        w.write(packet(0, 0, true));
        await(() -> feed.packets.size() == 1);
        LiveStream input = bus.findInput(KEY).orElseThrow();
        assertThat(input.traffic().connections()).isEmpty();
        assertThat(input.traffic().totalBytesOut()).isZero();

        var viewer = output.openViewer("llhls");
        viewer.sent(1234);
        assertThat(input.traffic().connections()).containsEntry("llhls", 1L);
        assertThat(input.traffic().totalBytesOut()).isEqualTo(1234);
        viewer.close();
        viewer.close();
        assertThat(input.traffic().connections()).isEmpty();
        assertThat(input.traffic().maxTotalConnections()).isEqualTo(1);
        sub.close();
        w.close();
        await(() -> CountingPayload.unreleased() == 0);
    }

    @Test
    void publisherSettingsComeFromTheApplication() {
        assertThat(bus.publisherSettings("default", "app", "llhls")).contains(java.util.Map.of());
        assertThat(bus.publisherSettings("default", "app", "dash")).isEmpty();
        assertThat(bus.publisherSettings("default", "nope", "llhls")).isEmpty();
    }

    @Test
    void newSubscriberStartsAtTheLastKeyframeAndOutputsMapTracks() throws Exception {
        StreamWriter w = publish(() -> {});
        w.setTracks(List.of(VIDEO, AUDIO));
        w.write(packet(0, 0, true));
        w.write(packet(0, 33, false));
        w.write(packet(0, 66, true));
        w.write(packet(1, 70, true));
        w.write(packet(0, 100, false));

        LiveStream input = bus.findInput(KEY).orElseThrow();
        Collector c = new Collector();
        input.subscribe(c, "file", 100);
        await(() -> c.packets.size() == 3);
        assertThat(c.tracks.get(0)).containsExactly(VIDEO, AUDIO);
        assertThat(c.packets).extracting(MediaPacket::dts).containsExactly(66L, 70L, 100L);

        // Default profile: video bypass, AAC bypassed by "aac" (codec eq), Opus unavailable.
        LiveStream output = bus.findOutput(KEY).orElseThrow();
        assertThat(output.tracks()).extracting(Track::name).containsExactly("bypass_video", "aac");
        assertThat(output.unavailableTracks()).singleElement()
                .satisfies(u -> assertThat(u.codec()).isEqualTo(Codec.OPUS));
        Collector o = new Collector();
        output.subscribe(o, "rtmppush", 100);
        w.write(packet(1, 110, true));
        await(() -> o.packets.size() == 4);
        assertThat(o.packets).extracting(MediaPacket::trackId).containsExactly(0, 1, 0, 1);

        w.close();
        assertThat(c.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(o.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(bus.findInput(KEY)).isEmpty();
        assertThat(bus.findOutput(KEY)).isEmpty();
        await(() -> CountingPayload.unreleased() == 0);
    }

    @Test
    void aBlockedSinkDropsToTheNextKeyframeWithoutStallingTheSource() throws Exception {
        StreamWriter w = publish(() -> {});
        w.setTracks(List.of(VIDEO));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Collector slow = new Collector() {
            @Override
            public void onPacket(MediaPacket p) {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onPacket(p);
            }
        };
        Collector fast = new Collector();
        var slowSub = bus.findInput(KEY).orElseThrow().subscribe(slow, "file", 10);
        bus.findInput(KEY).orElseThrow().subscribe(fast, "file", 1000);
        w.write(packet(0, 0, true));
        assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
        long t = 33;
        for (int i = 1; i < 150; i++, t += 33) {
            w.write(packet(0, t, i % 30 == 0)); // never blocks, though "slow" is stuck
        }
        await(() -> fast.packets.size() == 150);
        assertThat(slowSub.droppedPackets()).isGreaterThan(100);
        release.countDown();
        w.write(packet(0, t, true));
        await(() -> slow.packets.stream().anyMatch(p -> p.dts() == 150 * 33));
        // The packet it was stuck on, then (after the drop) a key frame.
        assertThat(slow.packets.get(0).dts()).isZero();
        assertThat(slow.packets.get(1).keyframe()).isTrue();
        w.close();
        await(() -> CountingPayload.unreleased() == 0);
    }

    @Test
    void conflictsUnknownAppsAndDisconnect() throws Exception {
        AtomicBoolean disconnected = new AtomicBoolean();
        StreamWriter w = publish(() -> disconnected.set(true));
        assertThatThrownBy(() -> publish(() -> {})).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> bus.publish(new PublishRequest(new StreamKey("default", "nope", "x"), "Rtmp", "",
                () -> {}))).isInstanceOf(NotFoundException.class)
                .hasMessage("Could not find the application: [default/nope]");
        assertThat(bus.inputs("default", "app")).hasSize(1);
        bus.findInput(KEY).orElseThrow().disconnect();
        assertThat(disconnected).isTrue();
        assertThat(bus.inputs("default", "app")).isEmpty();
        w.write(packet(0, 0, true)); // after close: released, not delivered
        w.close();
        assertThat(CountingPayload.unreleased()).isZero();
        publish(() -> {}).close(); // the name is free again
    }

    @Test
    void everyLiveOutputStreamIsListedUntilItsInputEnds() {
        assertThat(bus.outputs()).isEmpty();
        StreamWriter w = publish(() -> {});
        assertThat(bus.outputs()).isNotEmpty().containsExactlyElementsOf(bus.outputs("default", "app"))
                .allSatisfy(o -> assertThat(o.isInput()).isFalse())
                .allSatisfy(o -> assertThat(o.inputKey()).isEqualTo(KEY));
        w.close();
        assertThat(bus.outputs()).isEmpty();
    }

    @Test
    void anOutputStreamCarriesItsProfilesPlaylists() throws Exception {
        var profile = dev.kiln.proto.v1.OutputProfile.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge("""
                {"name": "p", "outputStreamName": "${OriginStreamName}_p",
                 "encodes": {"videos": [{"name": "v", "bypass": true}], "audios": [{"name": "a", "bypass": true}]},
                 "playlists": [{"name": "ABR", "fileName": "abr",
                                "renditions": [{"name": "hd", "video": "v", "audio": "a"}, {"audio": "a"}]}]}
                """, profile);
        SqliteStateStore other = SqliteStateStore.open(dir.resolve("other.db"));
        var model = VirtualHostRegistry.load(List.of(new DeclaredVirtualHost(
                VirtualHost.newBuilder().setName("default").setHost(Host.newBuilder().addNames("*")).build(),
                List.of(Application.newBuilder().setName("app").setOutputProfiles(
                        dev.kiln.proto.v1.OutputProfiles.newBuilder().addOutputProfile(profile)).build()))), other);
        var registry = new DefaultStreamRegistry(model, events, Clock.systemUTC(), Duration.ofSeconds(30));
        try {
            StreamWriter w = registry.publish(new PublishRequest(KEY, "Rtmp", "", () -> {}));
            LiveStream out = registry.findOutput(new StreamKey("default", "app", "cam_p")).orElseThrow();
            assertThat(out.playlists()).containsExactly(new OutputPlaylist("ABR", "abr", List.of(
                    new OutputPlaylist.Rendition("hd", "v", "a"), new OutputPlaylist.Rendition("", "", "a"))));
            assertThat(registry.findInput(KEY).orElseThrow().playlists()).isEmpty();
            w.close();
        } finally {
            registry.close();
            other.close();
        }
    }

    @Test
    void aThrowingSinkIsDetachedAlone() throws Exception {
        StreamWriter w = publish(() -> {});
        w.setTracks(List.of(VIDEO));
        Collector bad = new Collector() {
            @Override
            public void onPacket(MediaPacket p) {
                p.payload().release();
                throw new IllegalStateException("sink bug");
            }
        };
        Collector good = new Collector();
        LiveStream in = bus.findInput(KEY).orElseThrow();
        in.subscribe(bad, "file", 10);
        in.subscribe(good, "file", 10);
        w.write(packet(0, 0, true));
        w.write(packet(0, 33, false));
        assertThat(bad.ended.await(5, TimeUnit.SECONDS)).isTrue();
        await(() -> good.packets.size() == 2);
        await(() -> in.traffic().totalConnections() == 1);
        w.close();
        await(() -> CountingPayload.unreleased() == 0);
    }

    @Test
    void trackStatsFromMediaTime() {
        StreamWriter w = publish(() -> {});
        w.setTracks(List.of(VIDEO));
        long t = 0;
        for (int i = 0; i < 150; i++, t += 33) {
            // 1000-byte frames every 33 ms at 30 fps: ~242 kbit/s; key frame every 60 frames.
            w.write(new MediaPacket(0, t, t, i % 60 == 0, new CountingPayload(1000)));
        }
        var s = bus.findInput(KEY).orElseThrow().trackStats(0);
        assertThat(s.framerate()).isBetween(29.5, 30.8);
        assertThat(s.bitrate()).isBetween(230_000L, 250_000L);
        assertThat(s.keyFrameInterval()).isEqualTo(60);
        assertThat(s.hasBframes()).isFalse();
        w.close();
    }
}
