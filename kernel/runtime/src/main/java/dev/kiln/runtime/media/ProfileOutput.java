package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.proto.v1.OutputProfile;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An output stream of one output profile: a view of its input whose tracks are the
 * profile's passed-through encodes, renumbered from 0. Subscribing subscribes to the input
 * and maps track ids on the way; payloads are shared, never copied.
 */
final class ProfileOutput implements LiveStream {
    private final BusInput input;
    private final OutputProfile profile;
    private final StreamKey key;
    private volatile OutputPlan plan;

    ProfileOutput(BusInput input, OutputProfile profile) {
        this.input = input;
        this.profile = profile;
        this.key = new StreamKey(input.key().vhost(), input.key().app(),
                OutputPlan.outputName(profile, input.key().name()));
        this.plan = OutputPlan.of(profile, input.key().name(), List.of());
    }

    void replan(List<Track> inputTracks) {
        plan = OutputPlan.of(profile, input.key().name(), inputTracks);
    }

    BusInput input() {
        return input;
    }

    String profileName() {
        return profile.getName();
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
        return input.key();
    }

    @Override
    public String sourceType() {
        return input.sourceType();
    }

    @Override
    public OffsetDateTime createdTime() {
        return input.createdTime();
    }

    @Override
    public List<Track> tracks() {
        return plan.tracks().stream().map(OutputPlan.MappedTrack::output).toList();
    }

    @Override
    public List<UnavailableTrack> unavailableTracks() {
        return plan.missing();
    }

    @Override
    public TrackStats trackStats(int trackId) {
        return plan.tracks().stream()
                .filter(m -> m.output().id() == trackId)
                .findFirst()
                .map(m -> input.trackStats(m.inputTrackId()))
                .orElse(TrackStats.NONE);
    }

    @Override
    public TrafficStats traffic() {
        return input.traffic();
    }

    @Override
    public Subscription subscribe(StreamSink sink, String kind, int queueSize) {
        return input.subscribe(new Remapper(sink), kind, queueSize);
    }

    @Override
    public void disconnect() {
        input.disconnect();
    }

    /** Turns input tracks and packets into this output's, per the plan current at onTracks. */
    private final class Remapper implements StreamSink {
        private final StreamSink sink;
        private List<OutputPlan.MappedTrack> mapping = List.of();

        Remapper(StreamSink sink) {
            this.sink = sink;
        }

        @Override
        public void onTracks(List<Track> inputTracks) {
            OutputPlan current = OutputPlan.of(profile, input.key().name(), inputTracks);
            mapping = current.tracks();
            sink.onTracks(current.tracks().stream().map(OutputPlan.MappedTrack::output).toList());
        }

        @Override
        public void onPacket(MediaPacket p) {
            MediaPacket pending = null;
            try {
                for (OutputPlan.MappedTrack m : mapping) {
                    if (m.inputTrackId() != p.trackId()) {
                        continue;
                    }
                    if (pending != null) {
                        sink.onPacket(pending.retain());
                    }
                    pending = new MediaPacket(m.output().id(), p.pts(), p.dts(), p.keyframe(), p.payload());
                }
            } catch (RuntimeException e) {
                p.payload().release();
                throw e;
            }
            if (pending == null) {
                p.payload().release();
            } else {
                sink.onPacket(pending);
            }
        }

        @Override
        public void onEnd() {
            sink.onEnd();
        }
    }
}
