package dev.kiln.codec.internal.av;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import dev.kiln.api.media.Codec;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened libavcodec encoder, with global headers (the codec configuration comes out as
 * extradata, not in band). Packets come out in the context's time base, H.264 and H.265
 * converted to 4-byte NAL lengths. Not thread-safe; {@link #close()} frees the native state.
 */
public final class Encoder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Encoder.class);

    /** A coded packet, copied out of native memory. */
    public record Coded(long pts, long dts, boolean keyframe, byte[] data) {}

    private final String name;
    private final Codec codec;
    private AVCodecContext ctx;
    private AVPacket packet;

    private Encoder(String name, Codec codec, AVCodecContext ctx) {
        this.name = name;
        this.codec = codec;
        this.ctx = ctx;
        this.packet = av_packet_alloc();
    }

    /**
     * Opens the first of {@code hardware} that works, else the first of {@code software}
     * the build has. A hardware encoder that does not open is skipped with a WARN line, one
     * per {@code warned} flag (no GPU, no driver); a software one that does not open fails.
     * With {@code hardwareRequired}, there is no fallback: when no hardware encoder opens,
     * this fails with "NVENC required but unavailable: " and FFmpeg's message.
     *
     * @param label     what the log lines name (stream and encode)
     * @param configure sets size, rates and formats on a fresh context for the named encoder
     * @param options   encoder options by encoder name (private options such as "preset")
     * @throws AvException with FFmpeg's message when nothing opens
     */
    public static Encoder open(String label, Codec codec, List<String> hardware, List<String> software,
                               java.util.function.BiConsumer<String, AVCodecContext> configure,
                               java.util.function.Function<String, Map<String, String>> options,
                               java.util.concurrent.atomic.AtomicBoolean warned, boolean hardwareRequired) {
        String why = "no hardware encoder asked for";
        for (String hw : hardware) {
            try {
                Encoder e = tryOpen(hw, codec, configure, options.apply(hw));
                if (e != null) {
                    return e;
                }
                why = hw + " is not in this FFmpeg build";
                if (!hardwareRequired) {
                    fallback(warned, "{}: hardware encoder {} is not in this FFmpeg build; encoding on the CPU", label,
                            hw);
                }
            } catch (AvException ex) {
                why = ex.getMessage();
                if (!hardwareRequired) {
                    fallback(warned, "{}: hardware encoder {} is not usable ({}); encoding on the CPU", label, hw,
                            ex.getMessage());
                }
            }
        }
        if (hardwareRequired) {
            String module = hardware.isEmpty() ? "" : moduleOf(hardware.get(0));
            throw new AvException(module.toUpperCase(java.util.Locale.ROOT) + " required but unavailable: " + why,
                    module);
        }
        for (String sw : software) {
            Encoder e = tryOpen(sw, codec, configure, options.apply(sw));
            if (e != null) {
                return e;
            }
        }
        throw new AvException("no encoder for " + codec + " in this FFmpeg build (tried " + software + ")");
    }

    /** One WARN per output stream; the other tracks that fall back say so at DEBUG. */
    private static void fallback(java.util.concurrent.atomic.AtomicBoolean warned, String format, Object... args) {
        if (warned.compareAndSet(false, true)) {
            log.warn(format, args);
        } else {
            log.debug(format, args);
        }
    }

    private static Encoder tryOpen(String encoderName, Codec codec,
                                   java.util.function.BiConsumer<String, AVCodecContext> configure,
                                   Map<String, String> options) {
        AVCodec c = avcodec_find_encoder_by_name(encoderName);
        if (c == null) {
            return null;
        }
        AVCodecContext ctx = avcodec_alloc_context3(c);
        AVDictionary dict = new AVDictionary(null);
        try {
            configure.accept(encoderName, ctx);
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
            Av.check(avcodec_open2(ctx, c, dict), "open " + encoderName);
        } catch (RuntimeException e) {
            avcodec_free_context(ctx);
            throw e;
        } finally {
            av_dict_free(dict);
        }
        return new Encoder(encoderName, codec, ctx);
    }

    /** The FFmpeg encoder name, e.g. "libx264". */
    public String name() {
        return name;
    }

    /** "nvenc", "x264", "openh264", "opus", … as stream info would report it. */
    public String module() {
        return moduleOf(name);
    }

    /** The module of an FFmpeg encoder name: "h264_nvenc" is "nvenc", "libx264" is "x264". */
    public static String moduleOf(String encoderName) {
        if (encoderName.contains("nvenc")) {
            return "nvenc";
        }
        return encoderName.startsWith("lib") ? encoderName.substring(3) : encoderName;
    }

    public AVCodecContext context() {
        return ctx;
    }

    /** The codec configuration for the track: avcC for H.264, hvcC for H.265, else the extradata as it is. */
    public byte[] config() {
        int n = ctx.extradata_size();
        if (n <= 0 || ctx.extradata() == null) {
            return new byte[0];
        }
        byte[] raw = new byte[n];
        ctx.extradata().capacity(n).get(raw);
        return switch (codec) {
            case H264 -> NalUnits.avcC(raw);
            case H265 -> NalUnits.hvcC(raw);
            default -> raw;
        };
    }

    /** Encodes one frame ({@code null} flushes) and hands on what comes out. */
    public void encode(AVFrame frame, Consumer<Coded> out) {
        int r = avcodec_send_frame(ctx, frame);
        if (r < 0 && r != AVERROR_EOF) {
            Av.check(r, name + " encode");
        }
        while (true) {
            r = avcodec_receive_packet(ctx, packet);
            if (r == AVERROR_EAGAIN() || r == AVERROR_EOF) {
                return;
            }
            Av.check(r, name + " encode");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().capacity(packet.size()).get(data);
                if (codec == Codec.H264 || codec == Codec.H265) {
                    data = NalUnits.toAvcc(data);
                }
                out.accept(new Coded(packet.pts(), packet.dts(), (packet.flags() & AV_PKT_FLAG_KEY) != 0, data));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
    }
}
