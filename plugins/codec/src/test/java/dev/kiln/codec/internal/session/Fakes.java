package dev.kiln.codec.internal.session;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.UnavailableTrack;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** An input the test drives by hand and an output that keeps what it is given. */
final class Fakes {
    private Fakes() {}

    static final class Input implements LiveStream {
        StreamSink sink;
        boolean unsubscribed;

        @Override
        public StreamKey key() {
            return new StreamKey("default", "app", "cam");
        }

        @Override
        public boolean isInput() {
            return true;
        }

        @Override
        public StreamKey inputKey() {
            return key();
        }

        @Override
        public String sourceType() {
            return "Test";
        }

        @Override
        public OffsetDateTime createdTime() {
            return OffsetDateTime.now();
        }

        @Override
        public List<Track> tracks() {
            return List.of();
        }

        @Override
        public List<UnavailableTrack> unavailableTracks() {
            return List.of();
        }

        /** The kernel's input takes its own lock for statistics; tests can hold it. */
        @Override
        public synchronized TrackStats trackStats(int trackId) {
            return TrackStats.NONE;
        }

        @Override
        public TrafficStats traffic() {
            return null;
        }

        @Override
        public Subscription subscribe(StreamSink s, String kind, int queueSize) {
            sink = s;
            return new Subscription() {
                @Override
                public long droppedPackets() {
                    return 0;
                }

                @Override
                public void close() {
                    unsubscribed = true;
                }
            };
        }

        @Override
        public void disconnect() {}
    }

    static final class Output implements StreamWriter {
        final List<List<Track>> trackCalls = new ArrayList<>();
        final List<MediaPacket> packets = new ArrayList<>();

        @Override
        public StreamKey key() {
            return new StreamKey("default", "app", "cam_out");
        }

        @Override
        public synchronized void setTracks(List<Track> tracks) {
            trackCalls.add(List.copyOf(tracks));
        }

        @Override
        public synchronized void write(MediaPacket packet) {
            packets.add(packet);
        }

        @Override
        public void countBytesIn(long bytes) {}

        @Override
        public void close() {}

        synchronized List<MediaPacket> of(int trackId) {
            return packets.stream().filter(p -> p.trackId() == trackId).toList();
        }
    }
}
