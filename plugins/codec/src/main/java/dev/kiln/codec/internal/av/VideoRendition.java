package dev.kiln.codec.internal.av;

import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_d2q;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * One video rendition: scales decoded frames to its size, thins them to its frame rate when
 * one is given, and encodes them. Timestamps are milliseconds (timescale 1000) in and out.
 * Key frames are placed by the caller ({@code forceKey}) so that the renditions of one stream
 * stay aligned; the encoder itself adds none (no scene-cut key frames, a long GOP).
 */
public final class VideoRendition implements AutoCloseable {
    private final EncodeSpec spec;
    private final Encoder encoder;
    private final int width;
    private final int height;
    private final double framerate;
    private SwsContext sws;
    private int swsW = -1;
    private int swsH = -1;
    private int swsFmt = -1;
    private AVFrame scaled;
    private long nextPtsMs = Long.MIN_VALUE;
    private boolean keyPending;

    private VideoRendition(EncodeSpec spec, Encoder encoder, int width, int height, double framerate) {
        this.spec = spec;
        this.encoder = encoder;
        this.width = width;
        this.height = height;
        this.framerate = framerate;
        this.scaled = av_frame_alloc();
    }

    /**
     * Opens the encoder for {@code spec} fed by {@code input}.
     *
     * @param inputFramerate measured input frame rate, 0 when unknown (30 is assumed)
     * @throws AvException when no encoder opens, with FFmpeg's message
     */
    public static VideoRendition open(String label, EncodeSpec spec, Track input, double inputFramerate,
                                      AtomicBoolean warned) {
        Codec codec = spec.codec() != null ? spec.codec() : input.codec();
        int[] size = outputSize(spec.width(), spec.height(), input.width(), input.height());
        double fps = spec.framerate() > 0 ? spec.framerate() : inputFramerate > 0 ? inputFramerate : 30;
        boolean nv = spec.modules().toLowerCase(Locale.ROOT).contains("nv");
        boolean nvRequired = requires(spec.modules(), "nv");
        List<String> hardware = new ArrayList<>();
        List<String> software = new ArrayList<>();
        switch (codec) {
            case H264 -> {
                if (nv) {
                    hardware.add("h264_nvenc");
                }
                if (spec.modules().toLowerCase(Locale.ROOT).contains("openh264")) {
                    software.addAll(List.of("libopenh264", "libx264"));
                } else {
                    software.addAll(List.of("libx264", "libopenh264"));
                }
            }
            case H265 -> {
                if (nv) {
                    hardware.add("hevc_nvenc");
                }
                software.add("libx265");
            }
            case VP8 -> software.add("libvpx");
            default -> throw new AvException("video encoding to " + codec + " is not supported yet");
        }
        if (nvRequired && hardware.isEmpty()) {
            throw new AvException("NVENC required but unavailable: there is no NVENC encoder for " + codec, "nvenc");
        }
        int gop = spec.keyFrameInterval() > 0 ? spec.keyFrameInterval() : 100_000;
        Encoder encoder = Encoder.open(label, codec, hardware, software, (name, ctx) -> {
            ctx.width(size[0]);
            ctx.height(size[1]);
            ctx.pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(av_make_q(1, 1000));
            ctx.framerate(av_d2q(fps, 100_000));
            if (spec.bitrate() > 0) {
                ctx.bit_rate(spec.bitrate());
                if (name.equals("libx264") || name.equals("libx265")) {
                    ctx.rc_max_rate(spec.bitrate());
                    ctx.rc_buffer_size(spec.bitrate());
                }
            }
            ctx.gop_size(gop);
            // The encoder's own thread count for the cores, as the ffmpeg CLI asks for
            // (libavcodec's default of 1 would hold libx264/libx265 to one thread).
            ctx.thread_count(0);
            ctx.max_b_frames(Math.max(0, spec.bFrames()));
        }, name -> options(name, spec), warned, nvRequired);
        return new VideoRendition(spec, encoder, size[0], size[1], spec.framerate());
    }

    /**
     * True when {@code modules} (comma-separated, each {@code name[:option…]}) names
     * {@code module} with the option "required", e.g. "nv:required" or "nv:0:required".
     */
    static boolean requires(String modules, String module) {
        for (String entry : modules.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts[0].trim().equals(module)) {
                for (int i = 1; i < parts.length; i++) {
                    if (parts[i].trim().equals("required")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<String, String> options(String encoderName, EncodeSpec spec) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (encoderName) {
            case "libx264" -> {
                o.put("preset", spec.preset().isEmpty() ? "veryfast" : spec.preset());
                o.put("x264-params", "scenecut=0");
                o.put("forced-idr", "1");
                if (!spec.profile().isEmpty()) {
                    o.put("profile", spec.profile());
                }
            }
            case "libx265" -> {
                o.put("preset", spec.preset().isEmpty() ? "veryfast" : spec.preset());
                // No scene-cut or open-GOP key frames (the caller places IDRs); quiet on stderr.
                o.put("x265-params", "scenecut=0:open-gop=0:log-level=error");
                o.put("forced-idr", "1");
                if (!spec.profile().isEmpty()) {
                    o.put("profile", spec.profile());
                }
            }
            case "h264_nvenc", "hevc_nvenc" -> {
                if (!spec.preset().isEmpty()) {
                    o.put("preset", spec.preset());
                }
                o.put("forced-idr", "1");
                o.put("no-scenecut", "1");
                if (!spec.profile().isEmpty()) {
                    o.put("profile", spec.profile());
                }
            }
            case "libopenh264" -> {
                if (!spec.profile().isEmpty()) {
                    o.put("profile", spec.profile());
                }
            }
            case "libvpx" -> o.put("deadline", "realtime");
            default -> { }
        }
        return o;
    }

    /** Width and height: both given, one given (the other keeps the aspect, even), or the input's. */
    static int[] outputSize(int w, int h, int inW, int inH) {
        if (w > 0 && h > 0) {
            return new int[] {w, h};
        }
        if (inW <= 0 || inH <= 0) {
            if (w > 0 || h > 0) {
                throw new AvException("the input size is unknown and the encode gives only one of width/height");
            }
            throw new AvException("the input size is unknown");
        }
        if (w > 0) {
            return new int[] {w, even((double) w * inH / inW)};
        }
        if (h > 0) {
            return new int[] {even((double) h * inW / inH), h};
        }
        return new int[] {inW, inH};
    }

    private static int even(double v) {
        return Math.max(2, (int) Math.round(v / 2) * 2);
    }

    public EncodeSpec spec() {
        return spec;
    }

    public Encoder encoder() {
        return encoder;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * Scales and encodes one decoded frame whose {@code pts} is in milliseconds. With a
     * frame rate given, frames closer than one output frame to the last kept one are skipped;
     * a key frame asked for on a skipped frame goes on the next kept one.
     */
    public void encode(AVFrame decoded, long ptsMs, boolean forceKey, Consumer<Encoder.Coded> out) {
        keyPending |= forceKey;
        if (framerate > 0 && nextPtsMs != Long.MIN_VALUE && ptsMs < nextPtsMs) {
            return;
        }
        if (framerate > 0) {
            double step = 1000.0 / framerate;
            nextPtsMs = nextPtsMs == Long.MIN_VALUE || ptsMs - nextPtsMs > 2 * step
                    ? ptsMs + Math.round(step) - 1
                    : nextPtsMs + Math.round(step);
        }
        scale(decoded);
        scaled.pts(ptsMs);
        scaled.pict_type(keyPending ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        keyPending = false;
        encoder.encode(scaled, out);
    }

    private void scale(AVFrame in) {
        if (sws == null || swsW != in.width() || swsH != in.height() || swsFmt != in.format()) {
            if (sws != null) {
                sws_freeContext(sws);
            }
            sws = sws_getContext(in.width(), in.height(), in.format(), width, height, AV_PIX_FMT_YUV420P,
                    SWS_BILINEAR, null, null, (DoublePointer) null);
            if (sws == null) {
                throw new AvException("cannot scale " + in.width() + "x" + in.height() + " to " + width + "x" + height);
            }
            swsW = in.width();
            swsH = in.height();
            swsFmt = in.format();
            av_frame_free(scaled);
            scaled = av_frame_alloc();
            scaled.format(AV_PIX_FMT_YUV420P);
            scaled.width(width);
            scaled.height(height);
            Av.check(av_frame_get_buffer(scaled, 0), "allocate a picture");
        }
        // The encoder may still hold the previous picture: copy-on-write before scaling into it.
        Av.check(av_frame_make_writable(scaled), "allocate a picture");
        Av.check(sws_scale_frame(sws, scaled, in), "scale");
    }

    /** Drains the encoder (end of stream). */
    public void flush(Consumer<Encoder.Coded> out) {
        encoder.encode(null, out);
    }

    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        if (scaled != null) {
            av_frame_free(scaled);
            scaled = null;
        }
        encoder.close();
    }
}
