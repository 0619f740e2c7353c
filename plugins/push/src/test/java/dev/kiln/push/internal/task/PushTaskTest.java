package dev.kiln.push.internal.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Payload;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.proto.v1.ListPushesRequest;
import dev.kiln.proto.v1.PushTask;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.proto.v1.StreamSelector;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.TargetSpec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The task logic on a fake clock, fake streams and fake targets: states, backoff, restart. */
class PushTaskTest {
    private static final Track VIDEO = new Track(0, "bypass_video", Codec.H264, 1000, 320, 240, 0, 0, new byte[] {1});
    private static final Track OPUS = new Track(1, "opus", Codec.OPUS, 48000, 0, 0, 48000, 2, new byte[] {1});
    private static final Track AAC = new Track(2, "aac", Codec.AAC, 1000, 0, 0, 48000, 2, new byte[] {1});

    private final FakeTimer timer = new FakeTimer();
    private final MemoryStore store = new MemoryStore();
    private final Registry registry = new Registry();
    private final List<FakeTarget> targets = new ArrayList<>();
    private final PushValidator validator = new PushValidator("127.0.0.1", 8081);

    private Pusher pusher() {
        return new Pusher(registry, store, validator, spec -> {
            FakeTarget t = new FakeTarget(spec);
            targets.add(t);
            return t;
        }, timer);
    }

    private static StartPushRequest request(String id, String protocol, String url) {
        return StartPushRequest.newBuilder().setVhost("default").setApp("app").setId(id)
                .setStream(StreamSelector.newBuilder().setName("s")).setProtocol(protocol).setUrl(url)
                .setStreamKey("key").build();
    }

    private static PushTask only(Pusher p) {
        List<PushTask> l = p.list(ListPushesRequest.newBuilder().setVhost("default").setApp("app").build());
        assertThat(l).hasSize(1);
        return l.get(0);
    }

    @Test
    void reservedTaskConnectsWhenTheStreamAppearsAndBacksOffWhenTheTargetFails() {
        Pusher p = pusher();
        PushTask t = p.start(request("a", "mpegts", "udp://10.0.0.9:5000"));
        assertThat(t.getState()).isEqualTo("ready");
        assertThat(t.getStartTime()).startsWith("1970-01-01");
        FakeStream s = registry.add(List.of(VIDEO, OPUS, AAC));
        p.streamAvailable(s);
        assertThat(targets).hasSize(1);
        assertThat(targets.get(0).spec.tracks()).containsExactly(VIDEO, OPUS, AAC);
        assertThat(only(p).getState()).isEqualTo("ready"); // connecting
        targets.get(0).opened.complete(null);
        timer.runDue();
        assertThat(only(p).getState()).isEqualTo("started");
        assertThat(s.sinks).hasSize(1);
        // Packets before the first video key frame are not sent; timestamps start at 0.
        s.sinks.get(0).onPacket(packet(2, 5000, true));
        s.sinks.get(0).onPacket(packet(0, 5040, true));
        s.sinks.get(0).onPacket(packet(2, 5060, true));
        assertThat(targets.get(0).sent).containsExactly("0@0", "2@20");

        long[] delays = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int i = 0; i < delays.length; i++) {
            FakeTarget current = targets.get(targets.size() - 1);
            current.opened.complete(null);
            timer.runDue();
            current.closed.completeExceptionally(new IllegalStateException("peer went away"));
            timer.runDue();
            PushTask failed = only(p);
            assertThat(failed.getState()).isEqualTo("error");
            assertThat(failed.getMessage()).isEqualTo("peer went away");
            int before = targets.size();
            timer.advance(Duration.ofMillis(delays[i] - 1));
            assertThat(targets).as("no attempt before %d ms", delays[i]).hasSize(before);
            timer.advance(Duration.ofMillis(1));
            assertThat(targets).as("attempt after %d ms", delays[i]).hasSize(before + 1);
        }
        assertThat(only(p).getSequence()).isEqualTo(targets.size());
        // A minute of success starts the series again.
        FakeTarget good = targets.get(targets.size() - 1);
        good.opened.complete(null);
        timer.runDue();
        timer.advance(Duration.ofMinutes(1));
        good.closed.completeExceptionally(new IllegalStateException("dropped"));
        timer.runDue();
        int before = targets.size();
        timer.advance(Duration.ofSeconds(1));
        assertThat(targets).hasSize(before + 1);

        // The stream goes away: ready, no more attempts; it comes back: connects at once.
        p.streamClosed(s);
        assertThat(only(p).getState()).isEqualTo("ready");
        assertThat(targets.get(targets.size() - 1).isClosed).isTrue();
        timer.advance(Duration.ofMinutes(5));
        assertThat(targets).hasSize(before + 1);
        FakeStream again = registry.add(List.of(VIDEO, AAC));
        p.streamAvailable(again);
        assertThat(targets).hasSize(before + 2);
    }

    @Test
    void rtmpTakesTheFirstVideoAndAudioItCarriesAndVariantsSelectExactly() {
        Pusher p = pusher();
        registry.add(List.of(VIDEO, OPUS, AAC));
        p.start(request("r", "rtmp", "rtmp://10.0.0.9/live"));
        assertThat(targets.get(0).spec.tracks()).containsExactly(VIDEO, AAC);
        StartPushRequest audio = request("v", "srt", "srt://10.0.0.9:9000").toBuilder()
                .setStream(StreamSelector.newBuilder().setName("s").addVariantNames("opus")).build();
        p.start(audio);
        assertThat(targets.get(1).spec.tracks()).containsExactly(OPUS);
        StartPushRequest unknown = request("u", "srt", "srt://10.0.0.9:9000").toBuilder()
                .setStream(StreamSelector.newBuilder().setName("s").addVariantNames("nope")).build();
        assertThatThrownBy(() -> p.start(unknown)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("[stream.variantNames]");
        assertThatThrownBy(() -> p.start(request("r", "rtmp", "rtmp://10.0.0.9/live")))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void tasksComeBackAfterARestartWithTheirSequence() {
        Pusher first = pusher();
        first.start(request("a", "mpegts", "udp://10.0.0.9:5000"));
        FakeStream s = registry.add(List.of(VIDEO, AAC));
        first.streamAvailable(s);
        targets.get(0).opened.complete(null);
        timer.runDue();
        first.close();
        assertThat(targets.get(0).isClosed).isTrue();

        Pusher second = pusher();
        second.restore();
        assertThat(targets).as("reconnects to the live stream").hasSize(2);
        PushTask t = only(second);
        assertThat(t.getSequence()).as("the sequence goes on").isEqualTo(2);
        assertThat(t.getCreatedTime()).isNotEmpty();
    }

    @Test
    void validationNamesTheField() {
        assertThatThrownBy(() -> validator.validate(request("a", "hls", "udp://1.2.3.4:5")))
                .hasMessageStartingWith("[protocol]");
        assertThatThrownBy(() -> validator.validate(request("a", "srt", "udp://1.2.3.4:5")))
                .hasMessageStartingWith("[url]");
        assertThatThrownBy(() -> validator.validate(request("a", "srt", "srt://1.2.3.4:5?mode=listener")))
                .hasMessageStartingWith("[url]");
        assertThatThrownBy(() -> validator.validate(request("a", "rtmp", "rtmp://1.2.3.4/app").toBuilder()
                .clearStreamKey().build())).hasMessageStartingWith("[streamKey]");
        for (String host : List.of("127.0.0.1", "localhost", "0.0.0.0", "[::1]", "127.0.0.2")) {
            assertThatThrownBy(() -> validator.validate(request("a", "mpegts", "udp://" + host + ":8081")))
                    .as(host).hasMessageContaining("API port");
        }
        validator.validate(request("a", "mpegts", "udp://127.0.0.1:8082"));
        validator.validate(request("a", "mpegts", "udp://192.0.2.1:8081"));
    }

    private static MediaPacket packet(int track, long dts, boolean key) {
        return new MediaPacket(track, dts, dts, key, new BytesPayload(new byte[] {1, 2, 3}));
    }

    // ---- fakes ----

    private static final class FakeTarget implements PushTarget {
        final TargetSpec spec;
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final List<String> sent = new ArrayList<>();
        boolean isClosed;

        FakeTarget(TargetSpec spec) {
            this.spec = spec;
        }

        @Override
        public CompletableFuture<Void> open() {
            return opened;
        }

        @Override
        public void send(MediaPacket packet) {
            sent.add(packet.trackId() + "@" + packet.dts());
        }

        @Override
        public long sentBytes() {
            return sent.size() * 100L;
        }

        @Override
        public CompletableFuture<Void> closed() {
            return closed;
        }

        @Override
        public void close() {
            isClosed = true;
            closed.complete(null);
        }
    }

    /** Time moves only when a test says so; due work runs on the test's thread. */
    private static final class FakeTimer implements PushTimer {
        private record Job(long at, long order, Runnable task, boolean[] cancelled) {}

        private final PriorityQueue<Job> jobs = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
        private long now;
        private long order;

        @Override
        public long nanoTime() {
            return now + 1;
        }

        @Override
        public OffsetDateTime now() {
            return OffsetDateTime.parse("2026-01-01T00:00:00Z").plusNanos(now);
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            boolean[] cancelled = {false};
            jobs.add(new Job(now + delay.toNanos(), order++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        @Override
        public void execute(Runnable task) {
            schedule(task, Duration.ZERO);
        }

        void runDue() {
            advance(Duration.ZERO);
        }

        void advance(Duration d) {
            long until = now + d.toNanos();
            while (!jobs.isEmpty() && jobs.peek().at <= until) {
                Job j = jobs.poll();
                now = Math.max(now, j.at);
                if (!j.cancelled[0]) {
                    j.task.run();
                }
            }
            now = until;
        }
    }

    private static final class MemoryStore implements StateStore {
        private final LinkedHashMap<String, byte[]> map = new LinkedHashMap<>();

        @Override
        public void put(String kind, String key, byte[] value) {
            map.put(kind + "|" + key, value);
        }

        @Override
        public Optional<byte[]> get(String kind, String key) {
            return Optional.ofNullable(map.get(kind + "|" + key));
        }

        @Override
        public boolean delete(String kind, String key) {
            return map.remove(kind + "|" + key) != null;
        }

        @Override
        public int deletePrefix(String kind, String keyPrefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LinkedHashMap<String, byte[]> list(String kind) {
            LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (k.startsWith(kind + "|")) {
                    out.put(k.substring(kind.length() + 1), v);
                }
            });
            return out;
        }

        @Override
        public void close() {
        }
    }

    private static final class Registry implements StreamRegistry {
        FakeStream live;

        FakeStream add(List<Track> tracks) {
            live = new FakeStream(tracks);
            return live;
        }

        @Override
        public StreamWriter publish(PublishRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<LiveStream> findInput(StreamKey key) {
            return Optional.empty();
        }

        @Override
        public Optional<LiveStream> findOutput(StreamKey key) {
            return Optional.<LiveStream>ofNullable(live).filter(s -> s.key().equals(key));
        }

        @Override
        public List<LiveStream> inputs(String vhost, String app) {
            return List.of();
        }

        @Override
        public List<LiveStream> outputs(String vhost, String app) {
            return live == null ? List.of() : List.of(live);
        }

        @Override
        public List<LiveStream> outputs() {
            return live == null ? List.of() : List.of(live);
        }

        @Override
        public String resolveVhost(String host) {
            return "default";
        }
    }

    private static final class FakeStream implements LiveStream {
        final List<Track> tracks;
        final List<StreamSink> sinks = new ArrayList<>();

        FakeStream(List<Track> tracks) {
            this.tracks = tracks;
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
            return tracks;
        }

        @Override
        public List<UnavailableTrack> unavailableTracks() {
            return List.of();
        }

        @Override
        public TrackStats trackStats(int trackId) {
            return null;
        }

        @Override
        public TrafficStats traffic() {
            return null;
        }

        @Override
        public Subscription subscribe(StreamSink sink, String kind, int queueSize) {
            assertThat(kind).endsWith("push");
            sinks.add(sink);
            return new Subscription() {
                @Override
                public long droppedPackets() {
                    return 0;
                }

                @Override
                public void close() {
                    sinks.remove(sink);
                }
            };
        }

        @Override
        public void disconnect() {
        }
    }

    private static final class BytesPayload implements Payload {
        private final byte[] bytes;
        private int refs = 1;

        BytesPayload(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public ByteBuffer view() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        @Override
        public Payload retain() {
            refs++;
            return this;
        }

        @Override
        public boolean release() {
            return --refs == 0;
        }

        @Override
        public int refCount() {
            return refs;
        }
    }
}
