package dev.kiln.recorder.internal.task;

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
import dev.kiln.recorder.internal.mux.Container;
import dev.kiln.recorder.internal.mux.ContainerWriter;
import dev.kiln.recorder.internal.mux.MuxException;
import dev.kiln.recorder.internal.mux.WriterFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory stand-ins for the kernel's services, a stream the test drives, and a writer that logs. */
final class Fakes {
    private Fakes() {
    }

    static final Track VIDEO = new Track(0, "bypass_video", Codec.H264, 1000, 640, 360, 0, 0, new byte[] {1, 2});
    static final Track AUDIO = new Track(1, "aac", Codec.AAC, 1000, 0, 0, 48000, 2, new byte[] {0x11, (byte) 0x90});

    static final class Store implements StateStore {
        final Map<String, LinkedHashMap<String, byte[]>> kinds = new HashMap<>();

        @Override
        public synchronized void put(String kind, String key, byte[] value) {
            kinds.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(key, value);
        }

        @Override
        public synchronized Optional<byte[]> get(String kind, String key) {
            return Optional.ofNullable(kinds.getOrDefault(kind, new LinkedHashMap<>()).get(key));
        }

        @Override
        public synchronized boolean delete(String kind, String key) {
            return kinds.getOrDefault(kind, new LinkedHashMap<>()).remove(key) != null;
        }

        @Override
        public synchronized int deletePrefix(String kind, String keyPrefix) {
            var m = kinds.getOrDefault(kind, new LinkedHashMap<>());
            int before = m.size();
            m.keySet().removeIf(k -> k.startsWith(keyPrefix));
            return before - m.size();
        }

        @Override
        public synchronized LinkedHashMap<String, byte[]> list(String kind) {
            return new LinkedHashMap<>(kinds.getOrDefault(kind, new LinkedHashMap<>()));
        }

        @Override
        public void close() {
        }
    }

    static final class Registry implements StreamRegistry {
        final Map<StreamKey, LiveStream> outputs = new HashMap<>();

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
            return Optional.ofNullable(outputs.get(key));
        }

        @Override
        public List<LiveStream> inputs(String vhost, String app) {
            return List.of();
        }

        @Override
        public List<LiveStream> outputs(String vhost, String app) {
            return List.copyOf(outputs.values());
        }

        @Override
        public List<LiveStream> outputs() {
            return List.copyOf(outputs.values());
        }

        @Override
        public String resolveVhost(String host) {
            return "default";
        }
    }

    /** An output stream whose sink the test calls directly. */
    static final class Stream implements LiveStream {
        final StreamKey key;
        final List<Track> tracks;
        StreamSink sink;
        boolean closed;
        /** An input stream (published or pulled) rather than an output-profile stream. */
        boolean input;

        Stream(String name, List<Track> tracks) {
            this.key = new StreamKey("default", "app", name);
            this.tracks = tracks;
        }

        void packet(int track, long ms, boolean key) {
            sink.onPacket(new MediaPacket(track, ms, ms, key, new HeapPayload(new byte[] {9, 9, 9})));
        }

        /** Video at 30 fps with a key frame every second, audio every ~21 ms, from {@code fromMs} to {@code toMs}. */
        void media(long fromMs, long toMs) {
            long audio = fromMs;
            for (long v = fromMs; v < toMs; v += 33) {
                packet(0, v, (v - fromMs) % 990 == 0);
                while (audio <= v) {
                    packet(1, audio, true);
                    audio += 21;
                }
            }
        }

        @Override
        public StreamKey key() {
            return key;
        }

        @Override
        public boolean isInput() {
            return input;
        }

        @Override
        public StreamKey inputKey() {
            return new StreamKey("default", "app", key.name());
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
            return TrackStats.NONE;
        }

        @Override
        public TrafficStats traffic() {
            return null;
        }

        @Override
        public Subscription subscribe(StreamSink s, String kind, int queueSize) {
            this.sink = s;
            s.onTracks(tracks);
            return new Subscription() {
                @Override
                public long droppedPackets() {
                    return 0;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }

        @Override
        public void disconnect() {
        }
    }

    static final class HeapPayload implements Payload {
        private final byte[] bytes;
        private final AtomicInteger refs = new AtomicInteger(1);
        static final AtomicInteger LIVE = new AtomicInteger();

        HeapPayload(byte[] bytes) {
            this.bytes = bytes;
            LIVE.incrementAndGet();
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
            refs.incrementAndGet();
            return this;
        }

        @Override
        public boolean release() {
            int left = refs.decrementAndGet();
            if (left < 0) {
                throw new IllegalStateException("released twice");
            }
            if (left == 0) {
                LIVE.decrementAndGet();
            }
            return left == 0;
        }

        @Override
        public int refCount() {
            return refs.get();
        }
    }

    /** Writes each packet's timestamps as a text line, so tests can read what a file holds. */
    static final class Writers implements WriterFactory {
        final List<Path> opened = new ArrayList<>();
        boolean failWrites;

        @Override
        public ContainerWriter open(Path file, Container container, List<Track> tracks) {
            opened.add(file);
            try {
                Files.writeString(file, "tracks " + tracks.size() + "\n");
            } catch (IOException e) {
                throw new MuxException("Cannot create " + file + ": " + e);
            }
            return new ContainerWriter() {
                @Override
                public void write(int track, long pts, long dts, boolean keyframe, ByteBuffer data) {
                    if (failWrites) {
                        throw new MuxException("Cannot write to " + file + ": No space left on device (-28)");
                    }
                    try {
                        Files.writeString(file, track + " " + pts + " " + (keyframe ? "K" : "-") + "\n",
                                StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public long bytes() {
                    try {
                        return Files.size(file);
                    } catch (IOException e) {
                        return 0;
                    }
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
