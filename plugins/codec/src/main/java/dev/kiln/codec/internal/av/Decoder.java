package dev.kiln.codec.internal.av;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one input track. Frames come out with {@code pts} in the track's timescale (the
 * decoder's best-effort timestamp). Not thread-safe; {@link #close()} frees the native state.
 *
 * <p>Asked for hardware decoding, an H.264 or H.265 track is first opened with NVDEC (FFmpeg's
 * {@code h264_cuvid} / {@code hevc_cuvid}, frames copied back to system memory as NV12, which
 * the renditions' scalers take as they come); when that cannot open (no GPU, no driver), the
 * software decoder is used and the reason logged once as a WARN.
 */
public final class Decoder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Decoder.class);

    private final Track track;
    private String name;
    private AVCodecContext ctx;
    private AVPacket packet;
    private AVFrame frame;

    public Decoder(Track track) {
        this(track, false);
    }

    /**
     * @param hardware try NVDEC first (H.264 and H.265 only), falling back to software
     */
    public Decoder(Track track, boolean hardware) {
        this.track = track;
        String hw = hardware ? nvdecName(track) : null;
        if (hw != null) {
            AVCodec cuvid = avcodec_find_decoder_by_name(hw);
            if (cuvid == null) {
                log.warn("{} decoding: NVDEC ({}) is not in this FFmpeg build; decoding on the CPU", track.codec(), hw);
            } else {
                try {
                    open(cuvid);
                    this.name = hw;
                    log.info("{} decoding on the GPU with {}", track.codec(), hw);
                    return;
                } catch (AvException e) {
                    log.warn("{} decoding: NVDEC ({}) cannot be used, decoding on the CPU: {}", track.codec(), hw,
                            e.getMessage());
                }
            }
        }
        AVCodec codec = avcodec_find_decoder(codecId(track));
        if (codec == null) {
            throw new AvException("no decoder for " + track.codec());
        }
        open(codec);
        this.name = codec.name().getString();
    }

    private void open(AVCodec codec) {
        ctx = avcodec_alloc_context3(codec);
        try {
            ctx.pkt_timebase(av_make_q(1, track.timescale()));
            byte[] config = track.config();
            if (config.length > 0) {
                BytePointer extra = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
                extra.capacity(config.length).put(config);
                ctx.extradata(extra);
                ctx.extradata_size(config.length);
            }
            if (track.type() == MediaType.VIDEO) {
                ctx.thread_count(0); // as many threads as FFmpeg picks for the cores (libavcodec's default is 1)
            }
            if (track.sampleRate() > 0) {
                ctx.sample_rate(track.sampleRate());
                av_channel_layout_default(ctx.ch_layout(), Math.max(1, track.channels()));
            }
            Av.check(avcodec_open2(ctx, codec, (AVDictionary) null), "open the " + track.codec() + " decoder");
            packet = av_packet_alloc();
            frame = av_frame_alloc();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The FFmpeg decoder in use, e.g. {@code h264}, {@code h264_cuvid}. */
    public String name() {
        return name;
    }

    /** FFmpeg's NVDEC decoder for the track's codec, or null when it has none. */
    static String nvdecName(Track t) {
        return switch (t.codec()) {
            case H264 -> "h264_cuvid";
            case H265 -> "hevc_cuvid";
            default -> null;
        };
    }

    public Track track() {
        return track;
    }

    static int codecId(Track t) {
        return switch (t.codec()) {
            case H264 -> AV_CODEC_ID_H264;
            case H265 -> AV_CODEC_ID_HEVC;
            case VP8 -> AV_CODEC_ID_VP8;
            case VP9 -> AV_CODEC_ID_VP9;
            case AAC -> AV_CODEC_ID_AAC;
            case OPUS -> AV_CODEC_ID_OPUS;
            case MP3 -> AV_CODEC_ID_MP3;
            default -> throw new AvException("cannot decode " + t.codec());
        };
    }

    /**
     * Decodes one packet (the caller keeps its payload reference) and hands each frame that
     * comes out to {@code frames}; the frame is only valid during the call.
     */
    public void decode(MediaPacket p, Consumer<AVFrame> frames) {
        ByteBuffer bytes = p.payload().view();
        Av.check(av_new_packet(packet, bytes.remaining()), "allocate a packet");
        try {
            packet.data().capacity(bytes.remaining()).asByteBuffer().put(bytes);
            packet.pts(p.pts());
            packet.dts(p.dts());
            packet.flags(p.keyframe() ? AV_PKT_FLAG_KEY : 0);
            int r = avcodec_send_packet(ctx, packet);
            if (r < 0 && r != AVERROR_EAGAIN()) {
                // A corrupt packet: skip it, the decoder recovers at the next key frame.
                return;
            }
        } finally {
            av_packet_unref(packet);
        }
        drain(frames);
    }

    /** Drains the frames still buffered in the decoder (end of stream). */
    public void flush(Consumer<AVFrame> frames) {
        avcodec_send_packet(ctx, (AVPacket) null);
        drain(frames);
    }

    private void drain(Consumer<AVFrame> frames) {
        while (true) {
            int r = avcodec_receive_frame(ctx, frame);
            if (r == AVERROR_EAGAIN() || r == AVERROR_EOF) {
                return;
            }
            if (r < 0) {
                return; // decode error on this frame; go on with the next packet
            }
            try {
                frame.pts(frame.best_effort_timestamp());
                frames.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    @Override
    public void close() {
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
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
