package dev.kiln.publish.llhls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Output streams that were live before the publisher started, and events that repeat them. */
class LlhlsPublisherTest {
    private final Registry registry = new Registry();
    private final LlhlsPublisher publisher = new LlhlsPublisher(registry);

    @AfterEach
    void close() {
        publisher.close();
    }

    @Test
    void outputStreamsLiveAtStartArePackaged() {
        Output a = registry.add(new Output("a"));
        Output b = registry.add(new Output("b"));
        publisher.packageLiveStreams();
        assertThat(publisher.all()).extracting(StreamPackager::stream).containsExactly(a, b);
        assertThat(a.subscriptions).isEqualTo(1);
        assertThat(b.subscriptions).isEqualTo(1);
    }

    @Test
    void aStreamListedAndAnnouncedIsPackagedOnce() {
        Output a = registry.add(new Output("a"));
        publisher.streamCreated(a);
        StreamPackager first = publisher.find(a.key()).orElseThrow();
        publisher.packageLiveStreams();
        publisher.streamCreated(a);
        assertThat(publisher.find(a.key())).containsSame(first);
        assertThat(a.subscriptions).isEqualTo(1);
        assertThat(a.closed).isZero();
    }

    @Test
    void aStreamThatEndsWhileListedIsDroppedAgain() {
        Output gone = new Output("gone");
        registry.listedOnly.add(gone); // listed, but no longer found: it ended meanwhile
        publisher.packageLiveStreams();
        assertThat(publisher.find(gone.key())).isEmpty();
        assertThat(gone.closed).isEqualTo(gone.subscriptions);
    }

    @Test
    void aNewStreamOfTheSameNameReplacesTheOldOne() {
        Output old = registry.add(new Output("a"));
        publisher.packageLiveStreams();
        Output again = registry.add(new Output("a"));
        publisher.streamCreated(again);
        assertThat(publisher.find(again.key()).orElseThrow().stream()).isSameAs(again);
        assertThat(old.closed).isEqualTo(1);
        publisher.streamClosed(old); // a late close of the old one leaves the new one alone
        assertThat(publisher.find(again.key()).orElseThrow().stream()).isSameAs(again);
    }

    private static final class Registry implements StreamRegistry {
        final Map<StreamKey, LiveStream> outputs = new LinkedHashMap<>();
        final List<LiveStream> listedOnly = new ArrayList<>();

        Output add(Output o) {
            outputs.put(o.key(), o);
            return o;
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
            return Optional.ofNullable(outputs.get(key));
        }

        @Override
        public List<LiveStream> inputs(String vhost, String app) {
            return List.of();
        }

        @Override
        public List<LiveStream> outputs(String vhost, String app) {
            return outputs();
        }

        @Override
        public List<LiveStream> outputs() {
            List<LiveStream> all = new ArrayList<>(outputs.values());
            all.addAll(listedOnly);
            return all;
        }

        @Override
        public String resolveVhost(String host) {
            return "default";
        }

        @Override
        public Optional<Map<String, Object>> publisherSettings(String vhost, String app, String publisher) {
            return Optional.of(Map.of());
        }
    }

    /** An output stream that counts its subscriptions and their closes. */
    private static final class Output implements LiveStream {
        private final StreamKey key;
        int subscriptions;
        int closed;

        Output(String name) {
            this.key = new StreamKey("default", "app", name);
        }

        @Override
        public StreamKey key() {
            return key;
        }

        @Override
        public boolean isInput() {
            return false;
        }

        @Override
        public StreamKey inputKey() {
            return key;
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
            return List.of();
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
        public synchronized Subscription subscribe(StreamSink sink, String kind, int queueSize) {
            subscriptions++;
            return new Subscription() {
                @Override
                public long droppedPackets() {
                    return 0;
                }

                @Override
                public void close() {
                    synchronized (Output.this) {
                        closed++;
                    }
                }
            };
        }

        @Override
        public void disconnect() {}
    }
}
