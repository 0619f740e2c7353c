package dev.kiln.codec.internal.av;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One audio rendition: resamples decoded audio to the encoder's rate, channel layout and
 * sample format, cuts it into the encoder's frame size and encodes it. Output timestamps
 * count samples at the output rate, starting from the first input frame's time.
 */
public final class AudioRendition implements AutoCloseable {
    private static final int[] OPUS_RATES = {48000, 24000, 16000, 12000, 8000};

    private static final Logger log = LoggerFactory.getLogger(AudioRendition.class);
    /** How far the input's timestamps may stray from the samples counted before they win. */
    private static final double RESYNC_SECONDS = 0.2;

    private final String label;
    private final EncodeSpec spec;
    private final Encoder encoder;
    private final int inputTimescale;
    private final int sampleRate;
    private final int channels;
    private final int frameSize;
    private SwrContext swr;
    private String swrKey = "";
    private AVFrame converted = av_frame_alloc();
    private AVFrame chunk = av_frame_alloc();
    private AVAudioFifo fifo;
    private long nextPts = Long.MIN_VALUE;

    private AudioRendition(String label, EncodeSpec spec, Encoder encoder, int inputTimescale) {
        this.label = label;
        this.spec = spec;
        this.encoder = encoder;
        this.inputTimescale = inputTimescale;
        this.sampleRate = encoder.context().sample_rate();
        this.channels = encoder.context().ch_layout().nb_channels();
        int fs = encoder.context().frame_size();
        this.frameSize = fs > 0 ? fs : 1024;
        this.fifo = av_audio_fifo_alloc(encoder.context().sample_fmt(), channels, frameSize * 4);
    }

    /** Opens the encoder for {@code spec} fed by {@code input}; throws {@link AvException} when it cannot. */
    public static AudioRendition open(String label, EncodeSpec spec, Track input, AtomicBoolean warned) {
        Codec codec = spec.codec() != null ? spec.codec() : input.codec();
        List<String> software = switch (codec) {
            case OPUS -> List.of("libopus", "opus");
            case AAC -> List.of("aac");
            default -> throw new AvException("audio encoding to " + codec + " is not supported yet");
        };
        int channels = spec.channels() > 0 ? spec.channels() : Math.max(1, Math.min(2, input.channels()));
        int wantedRate = spec.sampleRate() > 0 ? spec.sampleRate() : input.sampleRate() > 0 ? input.sampleRate() : 48000;
        Encoder encoder = Encoder.open(label, codec, List.of(), software, (name, ctx) -> {
            AVCodec c = ctx.codec();
            ctx.sample_fmt(sampleFormat(c));
            int rate = codec == Codec.OPUS ? opusRate(wantedRate) : wantedRate;
            ctx.sample_rate(rate);
            ctx.time_base(av_make_q(1, rate));
            av_channel_layout_default(ctx.ch_layout(), channels);
            if (spec.bitrate() > 0) {
                ctx.bit_rate(spec.bitrate());
            }
            if (name.equals("opus")) {
                ctx.strict_std_compliance(-2); // FFmpeg's own Opus encoder is "experimental"
            }
        }, name -> Map.of(), warned, false);
        return new AudioRendition(label, spec, encoder, input.timescale());
    }

    private static int sampleFormat(AVCodec c) {
        IntPointer fmts = c.sample_fmts();
        if (fmts == null || fmts.isNull()) {
            return AV_SAMPLE_FMT_FLTP;
        }
        int first = fmts.get(0);
        for (int i = 0; fmts.get(i) != -1; i++) {
            if (fmts.get(i) == AV_SAMPLE_FMT_FLT || fmts.get(i) == AV_SAMPLE_FMT_FLTP) {
                return fmts.get(i);
            }
        }
        return first;
    }

    private static int opusRate(int wanted) {
        for (int r : OPUS_RATES) {
            if (r == wanted) {
                return r;
            }
        }
        return 48000;
    }

    public EncodeSpec spec() {
        return spec;
    }

    public Encoder encoder() {
        return encoder;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    /**
     * Resamples and queues one decoded frame (pts in the input's timescale); encodes every full
     * frame. Output timestamps count samples, so that the encoder gets a steady clock; when the
     * input's timestamp strays more than 200 ms from that count (a gap in the input, lost
     * packets, a publisher's clock jump), the count starts again from the input's time.
     */
    public void encode(AVFrame decoded, Consumer<Encoder.Coded> out) {
        if (decoded.pts() != org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE) {
            long inPts = Math.round((double) decoded.pts() * sampleRate / inputTimescale);
            if (nextPts == Long.MIN_VALUE) {
                nextPts = inPts;
            } else {
                // Where this frame's first sample falls on the counted clock: after what is queued.
                long queued = av_audio_fifo_size(fifo);
                long expected = nextPts + queued;
                if (Math.abs(inPts - expected) > RESYNC_SECONDS * sampleRate) {
                    log.info("{}: input audio at {} ms where {} ms was expected: following the input's timestamps",
                            label, inPts * 1000 / sampleRate, expected * 1000 / sampleRate);
                    nextPts = inPts - queued;
                }
            }
        } else if (nextPts == Long.MIN_VALUE) {
            nextPts = 0;
        }
        prepareResampler(decoded);
        av_frame_unref(converted);
        converted.format(encoder.context().sample_fmt());
        converted.sample_rate(sampleRate);
        av_channel_layout_copy(converted.ch_layout(), encoder.context().ch_layout());
        Av.check(swr_convert_frame(swr, converted, decoded), "resample");
        if (converted.nb_samples() > 0) {
            Av.check(av_audio_fifo_write(fifo, new PointerPointer<>(converted.extended_data()), converted.nb_samples()),
                    "queue samples");
        }
        while (av_audio_fifo_size(fifo) >= frameSize) {
            sendChunk(frameSize, out);
        }
    }

    private void sendChunk(int samples, Consumer<Encoder.Coded> out) {
        av_frame_unref(chunk);
        chunk.format(encoder.context().sample_fmt());
        chunk.sample_rate(sampleRate);
        av_channel_layout_copy(chunk.ch_layout(), encoder.context().ch_layout());
        chunk.nb_samples(samples);
        Av.check(av_frame_get_buffer(chunk, 0), "allocate samples");
        Av.check(av_frame_make_writable(chunk), "allocate samples");
        av_audio_fifo_read(fifo, new PointerPointer<>(chunk.extended_data()), samples);
        chunk.pts(nextPts);
        nextPts += samples;
        encoder.encode(chunk, out);
    }

    private void prepareResampler(AVFrame in) {
        String key = in.format() + "/" + in.sample_rate() + "/" + in.ch_layout().nb_channels();
        if (swr != null && key.equals(swrKey)) {
            return;
        }
        if (swr != null) {
            swr_free(swr);
        }
        SwrContext s = swr_alloc();
        Av.check(swr_alloc_set_opts2(s, encoder.context().ch_layout(), encoder.context().sample_fmt(), sampleRate,
                in.ch_layout(), in.format(), in.sample_rate(), 0, null), "set up the resampler");
        Av.check(swr_init(s), "set up the resampler");
        swr = s;
        swrKey = key;
    }

    /** Encodes what is left (padded by the encoder where it allows a short last frame) and drains it. */
    public void flush(Consumer<Encoder.Coded> out) {
        int left = av_audio_fifo_size(fifo);
        if (left > 0 && (encoder.context().codec().capabilities()
                & org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0) {
            sendChunk(left, out);
        }
        encoder.encode(null, out);
    }

    @Override
    public void close() {
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        if (converted != null) {
            av_frame_free(converted);
            converted = null;
        }
        if (chunk != null) {
            av_frame_free(chunk);
            chunk = null;
        }
        if (fifo != null) {
            av_audio_fifo_free(fifo);
            fifo = null;
        }
        encoder.close();
    }
}
