package dev.kiln.runtime.media;

import static dev.kiln.runtime.media.DefaultStreamRegistryTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.codec.Transcoder;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.Subscription;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seam to the codec plugin: outputs with encodes that are not passed through. */
class TranscodedOutputTest {
    @TempDir
    Path dir;

    private final FakeTranscoders plugin = new FakeTranscoders();
    private SqliteStateStore store;
    private StreamEvents events;
    private DefaultStreamRegistry bus;

    @BeforeEach
    void start() {
        CountingPayload.ALL.clear();
        store = SqliteStateStore.open(dir.resolve("k.db"));
        events = new StreamEvents(List::of);
        var model = VirtualHostRegistry.load(List.of(new DeclaredVirtualHost(
                VirtualHost.newBuilder().setName("default").setHost(Host.newBuilder().addNames("*")).build(),
                List.of(Application.newBuilder().setName("app").build()))), store);
        bus = new DefaultStreamRegistry(model, events, Clock.systemUTC(), Duration.ofSeconds(30),
                () -> Optional.of(plugin));
    }

    @AfterEach
    void stop() {
        bus.close();
        events.close();
        store.close();
    }

    private static final StreamKey KEY = new StreamKey("default", "app", "cam");
    private static final Track VIDEO = Track.video(0, Codec.H264, 1000, 1280, 720, new byte[] {1});
    private static final Track AUDIO = Track.audio(1, Codec.AAC, 1000, 48000, 2, new byte[] {0x11, (byte) 0x90});
    private static final Track OPUS = Track.audio(2, Codec.OPUS, 48000, 48000, 2, new byte[0]);

    /** Stands in for the codec plugin: passes video and AAC through and "encodes" Opus. */
    static final class FakeTranscoders implements TranscoderFactory {
        final AtomicReference<OutputSpec> lastSpec = new AtomicReference<>();
        final List<String> closed = new CopyOnWriteArrayList<>();

        @Override
        public Transcoder start(LiveStream input, OutputSpec spec, StreamWriter output) {
            lastSpec.set(spec);
            output.setTracks(List.of(VIDEO.withIdAndName(0, "bypass_video"), OPUS.withIdAndName(1, "opus"),
                    AUDIO.withIdAndName(2, "aac")));
            Subscription sub = input.subscribe(new StreamSink() {
                @Override
                public void onTracks(List<Track> tracks) {}

                @Override
                public void onPacket(MediaPacket p) {
                    if (p.trackId() == 1) {
                        output.write(new MediaPacket(1, p.pts() * 48, p.dts() * 48, true, p.payload().retain()));
                        output.write(new MediaPacket(2, p.pts(), p.dts(), true, p.payload()));
                    } else {
                        output.write(p);
                    }
                }

                @Override
                public void onEnd() {}
            }, "transcode", 100);
            return () -> {
                sub.close();
                closed.add(spec.streamName());
            };
        }
    }

    @Test
    void aSubscriberThatCameBeforeTheTracksMovesToTheTranscodedStream() throws Exception {
        StreamWriter w = bus.publish(new PublishRequest(KEY, "Rtmp", "", () -> {}));
        var tracks = new CopyOnWriteArrayList<List<Track>>();
        var got = new CopyOnWriteArrayList<MediaPacket>();
        var ends = new java.util.concurrent.atomic.AtomicInteger();
        // Subscribed while the output is still a view (no tracks yet), like a reserved record task.
        bus.findOutput(KEY).orElseThrow().subscribe(new StreamSink() {
            @Override
            public void onTracks(List<Track> t) {
                tracks.add(t);
            }

            @Override
            public void onPacket(MediaPacket p) {
                got.add(p);
                p.payload().release();
            }

            @Override
            public void onEnd() {
                ends.incrementAndGet();
            }
        }, "file", 100);
        w.setTracks(List.of(VIDEO, AUDIO));
        w.write(new MediaPacket(0, 0, 0, true, new CountingPayload(10)));
        w.write(new MediaPacket(1, 20, 20, true, new CountingPayload(10)));
        await(() -> got.size() == 3);
        assertThat(got).extracting(MediaPacket::trackId).containsExactly(0, 1, 2);
        assertThat(tracks.get(tracks.size() - 1)).extracting(Track::name)
                .containsExactly("bypass_video", "opus", "aac");
        assertThat(ends).hasValue(0); // the move is invisible to the sink
        w.close();
        await(() -> ends.get() == 1);
        await(() -> CountingPayload.unreleased() == 0);
    }

    @Test
    void subscribingWhileTheSourceRedeclaresTracksDoesNotDeadlock() throws Exception {
        StreamWriter w = bus.publish(new PublishRequest(KEY, "Rtmp", "", () -> {}));
        LiveStream out = bus.findOutput(KEY).orElseThrow();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var source = pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    w.setTracks(List.of(VIDEO, AUDIO)); // replans the output under the input's lock
                }
            });
            var subscriber = pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    out.subscribe(new StreamSink() {
                        @Override
                        public void onTracks(List<Track> tracks) {}

                        @Override
                        public void onPacket(MediaPacket p) {
                            p.payload().release();
                        }

                        @Override
                        public void onEnd() {}
                    }, "file", 10).close();
                }
            });
            source.get(20, java.util.concurrent.TimeUnit.SECONDS);
            subscriber.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        w.close();
    }

    @Test
    void aCodecPluginMakesTheOutputWithAllItsTracks() throws Exception {
        StreamWriter w = bus.publish(new PublishRequest(KEY, "Rtmp", "", () -> {}));
        w.setTracks(List.of(VIDEO, AUDIO));

        OutputSpec spec = plugin.lastSpec.get();
        assertThat(spec.streamName()).isEqualTo("cam");
        assertThat(spec.encodes()).extracting(e -> e.name()).containsExactly("bypass_video", "opus", "aac");
        assertThat(spec.encodes().get(1).codec()).isEqualTo(Codec.OPUS);
        assertThat(spec.encodes().get(1).bypassIfMatch()).containsEntry("codec", "eq");

        LiveStream out = bus.findOutput(KEY).orElseThrow();
        assertThat(out.unavailableTracks()).isEmpty();
        assertThat(out.tracks()).extracting(Track::name).containsExactly("bypass_video", "opus", "aac");

        var got = new CopyOnWriteArrayList<MediaPacket>();
        out.subscribe(new StreamSink() {
            @Override
            public void onTracks(List<Track> tracks) {}

            @Override
            public void onPacket(MediaPacket p) {
                got.add(p);
                p.payload().release();
            }

            @Override
            public void onEnd() {}
        }, "file", 100);
        w.write(new MediaPacket(0, 0, 0, true, new CountingPayload(10)));
        w.write(new MediaPacket(1, 20, 20, true, new CountingPayload(10)));
        await(() -> got.size() == 3);
        assertThat(got).extracting(MediaPacket::trackId).containsExactly(0, 1, 2);

        w.close();
        assertThat(plugin.closed).containsExactly("cam");
        await(() -> CountingPayload.unreleased() == 0);
    }
}
