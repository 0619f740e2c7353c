package dev.kiln.codec.internal.session;

import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;

import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.OutputTrackStatus;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.codec.internal.av.AudioRendition;
import dev.kiln.codec.internal.av.AvException;
import dev.kiln.codec.internal.av.Decoder;
import dev.kiln.codec.internal.av.Encoder;
import dev.kiln.codec.internal.av.VideoRendition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoders and renditions for one set of input tracks: one decoder per input track that
 * some encode needs, shared by all its renditions; passed-through tracks are handed on with
 * their new id and the same payload. A rendition that fails (to open or later) is logged with
 * FFmpeg's message and left out; the others go on. Each change of how the tracks are made
 * (the modules once open, a track in error) is reported as the whole status list.
 */
final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** AV_FRAME_FLAG_KEY: the decoded frame is a key frame. */
    private static final int FRAME_FLAG_KEY = 1 << 1;

    /** An encoded output track and what feeds it. */
    private static final class Rendition {
        final EncodePlan.Entry entry;
        VideoRendition video;
        AudioRendition audio;

        Rendition(EncodePlan.Entry entry) {
            this.entry = entry;
        }

        void close() {
            if (video != null) {
                video.close();
                video = null;
            }
            if (audio != null) {
                audio.close();
                audio = null;
            }
        }

        boolean alive() {
            return video != null || audio != null;
        }

        /** The encoder module, empty once closed. */
        String module() {
            return video != null ? video.encoder().module() : audio != null ? audio.encoder().module() : "";
        }
    }

    /** One decoded input track and the renditions it feeds. */
    private static final class Source {
        final Decoder decoder;
        final List<Rendition> renditions = new ArrayList<>();
        int keyFrameInterval;
        long framesSinceKey = -1;

        Source(Decoder decoder) {
            this.decoder = decoder;
        }
    }

    private final String label;
    private final StreamWriter output;
    private final Consumer<List<OutputTrackStatus>> report;
    private final Map<Integer, OutputTrackStatus> status = new TreeMap<>();
    private final List<EncodePlan.Entry> passThrough = new ArrayList<>();
    private final Map<Integer, Source> sources = new HashMap<>();
    private Interleaver interleaver;

    private Pipeline(String label, StreamWriter output, Consumer<List<OutputTrackStatus>> report) {
        this.label = label;
        this.output = output;
        this.report = report;
    }

    /** @param report gets the status of every output track, ordered by id, on each change */
    static Pipeline open(String label, LiveStream input, OutputSpec spec, List<Track> tracks, StreamWriter output,
                         Consumer<List<OutputTrackStatus>> report) {
        Pipeline p = new Pipeline(label, output, report);
        try {
            p.build(input, EncodePlan.of(spec, tracks));
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** An encode made from this input track asks for NVIDIA modules: decode it with NVDEC too. */
    private static boolean wantsGpu(EncodePlan plan, int inputId) {
        return plan.entries().stream().anyMatch(x -> !x.passThrough() && x.input().id() == inputId
                && x.spec().modules().toLowerCase(Locale.ROOT).contains("nv"));
    }

    private void build(LiveStream input, EncodePlan plan) {
        List<Track> out = new ArrayList<>();
        AtomicBoolean warned = new AtomicBoolean();
        for (EncodePlan.Entry e : plan.entries()) {
            String what = label + " encode '" + e.spec().name() + "' (track " + e.outputId() + ")";
            if (e.passThrough()) {
                passThrough.add(e);
                out.add(e.input().withIdAndName(e.outputId(), e.spec().name()));
                status.put(e.outputId(), OutputTrackStatus.ok(e.outputId(), e.spec().name(), e.input().codec(),
                        OutputTrackStatus.BYPASS));
                log.info("{}: passes input {} through", what, e.input());
                continue;
            }
            Source source = sources.get(e.input().id());
            if (source == null) {
                try {
                    source = new Source(new Decoder(e.input(), wantsGpu(plan, e.input().id())));
                } catch (AvException ex) {
                    // The publisher sent a configuration FFmpeg cannot decode: its fault, not ours.
                    log.warn("{}: the input {} cannot be decoded, so no {} is made: {}", what, e.input(),
                            EncodePlan.target(e), ex.getMessage());
                    status.put(e.outputId(), OutputTrackStatus.failed(e.outputId(), e.spec().name(),
                            EncodePlan.target(e), "", "the input cannot be decoded: " + ex.getMessage()));
                    continue;
                }
                sources.put(e.input().id(), source);
            }
            Rendition r = new Rendition(e);
            try {
                Track t;
                if (e.spec().type() == MediaType.VIDEO) {
                    double fps = input.trackStats(e.input().id()).framerate();
                    r.video = VideoRendition.open(what, e.spec(), e.input(), fps, warned);
                    Encoder enc = r.video.encoder();
                    t = new Track(e.outputId(), e.spec().name(), EncodePlan.target(e), 1000, r.video.width(),
                            r.video.height(), 0, 0, enc.config());
                    int kfi = e.spec().keyFrameInterval();
                    if (kfi > 0) {
                        source.keyFrameInterval = source.keyFrameInterval == 0 ? kfi : Math.min(source.keyFrameInterval, kfi);
                    }
                } else {
                    r.audio = AudioRendition.open(what, e.spec(), e.input(), warned);
                    Encoder enc = r.audio.encoder();
                    t = new Track(e.outputId(), e.spec().name(), EncodePlan.target(e), r.audio.sampleRate(), 0, 0,
                            r.audio.sampleRate(), r.audio.channels(), enc.config());
                    log.debug("{}: frame size {}", what, enc.context().frame_size());
                }
                source.renditions.add(r);
                out.add(t);
                status.put(e.outputId(), OutputTrackStatus.ok(e.outputId(), e.spec().name(), t.codec(), r.module()));
                log.info("{}: {} with {} (module {})", what, t, r.audio != null ? r.audio.encoder().name()
                        : r.video.encoder().name(), r.module());
            } catch (AvException | IllegalArgumentException ex) {
                r.close();
                // WARN, not ERROR: one stream's track is lost (its input or settings are at
                // fault); the server and the other tracks go on.
                log.warn("{}: cannot encode to {}: {}", what, EncodePlan.target(e), ex.getMessage());
                String module = ex instanceof AvException av ? av.module() : "";
                status.put(e.outputId(), OutputTrackStatus.failed(e.outputId(), e.spec().name(), EncodePlan.target(e),
                        module, ex.getMessage()));
            }
        }
        sources.values().removeIf(s -> {
            if (s.renditions.isEmpty()) {
                s.decoder.close();
                return true;
            }
            return false;
        });
        output.setTracks(out);
        interleaver = new Interleaver(output, out.stream().collect(
                java.util.stream.Collectors.toMap(Track::id, Track::timescale)));
        report.accept(List.copyOf(status.values()));
    }

    /** Marks a track whose encoder failed after opening; it stops, the others go on. */
    private void failed(Rendition r, String message) {
        int id = r.entry.outputId();
        String module = r.module();
        r.close();
        OutputTrackStatus before = status.get(id);
        Codec codec = before != null ? before.codec() : EncodePlan.target(r.entry);
        status.put(id, OutputTrackStatus.failed(id, r.entry.spec().name(), codec, module, message));
        interleaver.forget(id);
        report.accept(List.copyOf(status.values()));
    }

    /** Handles one input packet; the caller keeps (and releases) its payload reference. */
    void packet(MediaPacket p) {
        for (EncodePlan.Entry e : passThrough) {
            if (e.input().id() == p.trackId()) {
                p.payload().retain();
                interleaver.write(new MediaPacket(e.outputId(), p.pts(), p.dts(), p.keyframe(), p.payload()));
            }
        }
        Source s = sources.get(p.trackId());
        if (s != null) {
            s.decoder.decode(p, frame -> frame(s, frame));
        }
    }

    private void frame(Source s, AVFrame frame) {
        Track in = s.decoder.track();
        boolean video = in.type() == MediaType.VIDEO;
        boolean key = false;
        long ptsMs = 0;
        if (video) {
            boolean inputKey = (frame.flags() & FRAME_FLAG_KEY) != 0 || frame.pict_type() == AV_PICTURE_TYPE_I;
            key = s.framesSinceKey < 0
                    || (s.keyFrameInterval > 0 ? s.framesSinceKey >= s.keyFrameInterval : inputKey);
            s.framesSinceKey = key ? 1 : s.framesSinceKey + 1;
            ptsMs = Math.round(frame.pts() * 1000.0 / in.timescale());
        }
        for (Rendition r : s.renditions) {
            if (!r.alive()) {
                continue;
            }
            int id = r.entry.outputId();
            try {
                if (r.video != null) {
                    r.video.encode(frame, ptsMs, key, c -> write(id, c));
                } else {
                    r.audio.encode(frame, c -> write(id, c));
                }
            } catch (AvException ex) {
                log.warn("{} encode '{}' (track {}): failed, the track stops: {}", label, r.entry.spec().name(), id,
                        ex.getMessage());
                failed(r, "encoding failed: " + ex.getMessage());
            }
        }
    }

    private void write(int trackId, Encoder.Coded c) {
        interleaver.write(new MediaPacket(trackId, c.pts(), c.dts(), c.keyframe(), new HeapPayload(c.data())));
    }

    /** End of input: drains decoders and encoders. */
    void finish() {
        for (Source s : sources.values()) {
            s.decoder.flush(frame -> frame(s, frame));
            for (Rendition r : s.renditions) {
                if (!r.alive()) {
                    continue;
                }
                int id = r.entry.outputId();
                try {
                    if (r.video != null) {
                        r.video.flush(c -> write(id, c));
                    } else {
                        r.audio.flush(c -> write(id, c));
                    }
                } catch (AvException ex) {
                    log.warn("{}: draining track {} failed: {}", label, id, ex.getMessage());
                    failed(r, "draining the encoder failed: " + ex.getMessage());
                }
            }
        }
        interleaver.flush();
    }

    @Override
    public void close() {
        if (interleaver != null) {
            interleaver.close();
        }
        for (Source s : sources.values()) {
            s.renditions.forEach(Rendition::close);
            s.decoder.close();
        }
        sources.clear();
    }
}
