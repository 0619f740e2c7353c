package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.OutputPlaylist;
import dev.kiln.api.stream.OutputTrackStatus;
import dev.kiln.api.stream.StreamSink;
import dev.kiln.api.stream.Subscription;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.api.stream.Viewer;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.api.codec.Transcoder;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.proto.v1.OutputProfile;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output stream of one output profile. When every encode passes through, it is a view of
 * its input whose tracks are renumbered from 0: subscribing subscribes to the input and maps
 * track ids on the way, sharing payloads. When an encode needs transcoding and a codec
 * plugin is installed, the plugin's transcoder writes the whole output into a stream of its
 * own, and subscribers get that one.
 */
final class ProfileOutput implements LiveStream {
    private static final Logger log = LoggerFactory.getLogger(ProfileOutput.class);

    private final BusInput input;
    private final OutputProfile profile;
    private final Supplier<Optional<TranscoderFactory>> transcoders;
    private final StreamKey key;
    private volatile OutputPlan plan;
    /** Non-null while a transcoder makes this output. */
    private volatile BusInput produced;
    /** Written under this output's lock, read by stream info. */
    private volatile Transcoder transcoder;
    private final List<OutputSubscription> subscribers = new java.util.concurrent.CopyOnWriteArrayList<>();

    ProfileOutput(BusInput input, OutputProfile profile, Supplier<Optional<TranscoderFactory>> transcoders) {
        this.input = input;
        this.profile = profile;
        this.transcoders = transcoders;
        this.key = new StreamKey(input.key().vhost(), input.key().app(),
                OutputPlan.outputName(profile, input.key().name()));
        this.plan = OutputPlan.of(profile, input.key().name(), List.of());
    }

    /** Called with the input's lock held when its tracks are (re)declared. */
    synchronized void replan(List<Track> inputTracks) {
        plan = OutputPlan.of(profile, input.key().name(), inputTracks);
        stopTranscoder();
        if (plan.missing().isEmpty()) {
            return;
        }
        Optional<TranscoderFactory> factory = transcoders.get();
        if (factory.isEmpty()) {
            return;
        }
        BusInput target = produced != null ? produced : input.derive(key);
        try {
            transcoder = factory.get().start(input, OutputSpecs.of(profile, key.name()), target);
            if (produced == null) {
                produced = target;
                reattachSubscribers();
            }
            log.info("Output {} is transcoded ({} encode(s) not passed through)", key, plan.missing().size());
        } catch (RuntimeException | LinkageError e) {
            log.warn("The codec plugin could not start output {}: {}", key, e.toString());
        }
    }

    /** The input ended: stop the transcoder and end the stream it wrote. */
    synchronized void inputClosed() {
        stopTranscoder();
        if (produced != null) {
            produced.close();
        }
    }

    private void stopTranscoder() {
        if (transcoder != null) {
            try {
                transcoder.close();
            } catch (RuntimeException e) {
                log.warn("Closing the transcoder of {} failed: {}", key, e.toString());
            }
            transcoder = null;
        }
    }

    @Override
    public List<OutputPlaylist> playlists() {
        return profile.getPlaylistsList().stream()
                .map(p -> new OutputPlaylist(p.getName(), p.getFileName(), p.getRenditionsList().stream()
                        .map(r -> new OutputPlaylist.Rendition(r.getName(), r.getVideo(), r.getAudio()))
                        .toList()))
                .toList();
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
        BusInput p = produced;
        return p != null ? p.tracks() : plan.tracks().stream().map(OutputPlan.MappedTrack::output).toList();
    }

    @Override
    public List<UnavailableTrack> unavailableTracks() {
        return produced != null ? List.of() : plan.missing();
    }

    @Override
    public List<OutputTrackStatus> trackStatus() {
        Transcoder t = transcoder;
        if (t != null) {
            return t.trackStatus();
        }
        if (produced != null) {
            return List.of();
        }
        return plan.tracks().stream()
                .map(m -> OutputTrackStatus.ok(m.output().id(), m.output().name(), m.output().codec(),
                        OutputTrackStatus.BYPASS))
                .toList();
    }

    @Override
    public TrackStats trackStats(int trackId) {
        BusInput p = produced;
        if (p != null) {
            return p.trackStats(trackId);
        }
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
        OutputSubscription s = new OutputSubscription(this, sink, kind, queueSize);
        // Lock order everywhere: input, then this output, then the subscription (the input's
        // setTracks holds the input's lock when it replans this output).
        synchronized (input) {
            synchronized (this) {
                subscribers.add(s);
                s.attach(produced);
            }
        }
        return s;
    }

    /** Moves every subscriber to where the output now comes from (view or transcoder). */
    private void reattachSubscribers() {
        for (OutputSubscription s : subscribers) {
            s.attach(produced);
        }
    }

    void detached(OutputSubscription s) {
        subscribers.remove(s);
    }

    /** Subscribes a sink to the input through the track-id mapping of this output's plan. */
    Subscription subscribeToView(StreamSink sink, String kind, int queueSize) {
        return input.subscribe(new Remapper(sink), kind, queueSize);
    }

    @Override
    public Viewer openViewer(String kind) {
        return input.openViewer(kind);
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
