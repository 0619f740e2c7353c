package dev.kiln.push.internal.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_network_init;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avformat.avio_tell;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_error_string;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import dev.kiln.api.media.Track;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * MPEG-TS over a network URL ({@code srt://}, {@code udp://}) with libavformat, packets in, no
 * decoding: each track's codec configuration becomes the stream's extradata, and the muxer
 * turns AVCC video into Annex B and raw AAC into ADTS itself.
 *
 * <p>Every network wait inside FFmpeg checks an interrupt flag in native memory: {@link #interrupt()}
 * (from any thread) makes a blocked connect or write return at once. Everything else is for
 * one thread at a time.
 */
final class TsMuxer implements AutoCloseable {
    /** One callback for every muxer (JavaCPP callbacks are few): it reads the flag its opaque points at. */
    private static final InterruptCheck CHECK = new InterruptCheck();

    static {
        avformat_network_init();
    }

    private final AVFormatContext ctx;
    private final IntPointer flag;
    private final AVRational[] bases;
    private final long[] lastDts;
    private final AVPacket packet = av_packet_alloc();
    private BytePointer buffer = new BytePointer(64 * 1024);
    private boolean closed;

    private TsMuxer(AVFormatContext ctx, IntPointer flag, AVRational[] bases) {
        this.ctx = ctx;
        this.flag = flag;
        this.bases = bases;
        this.lastDts = new long[bases.length];
        Arrays.fill(lastDts, Long.MIN_VALUE);
    }

    /** A muxer not yet connected; {@link #connect} opens the URL and writes the header. */
    static TsMuxer create(List<Track> tracks) {
        AVFormatContext ctx = new AVFormatContext(null);
        check(avformat_alloc_output_context2(ctx, null, "mpegts", null), "prepare the MPEG-TS muxer");
        IntPointer flag = new IntPointer(1);
        flag.put(0, 0);
        AVRational[] bases = new AVRational[tracks.size()];
        try {
            for (int i = 0; i < tracks.size(); i++) {
                Track t = tracks.get(i);
                AVStream st = avformat_new_stream(ctx, null);
                if (st == null) {
                    throw new MuxException("cannot add a stream to the MPEG-TS muxer");
                }
                describe(st.codecpar(), t);
                bases[i] = av_make_q(1, t.timescale());
                st.time_base(bases[i]);
            }
            AVIOInterruptCB cb = ctx.interrupt_callback();
            cb.callback(CHECK);
            cb.opaque(flag);
        } catch (RuntimeException e) {
            avformat_free_context(ctx);
            flag.close();
            throw e;
        }
        return new TsMuxer(ctx, flag, bases);
    }

    /**
     * Connects to {@code url} and writes the header; blocks until the target accepts, fails or
     * {@link #interrupt()} is called.
     *
     * @param options protocol options (FFmpeg's names), besides those in the URL's query
     */
    void connect(String url, Map<String, String> options) {
        AVIOContext pb = new AVIOContext(null);
        AVDictionary dict = new AVDictionary(null);
        options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
        int r = avio_open2(pb, url, AVIO_FLAG_WRITE, ctx.interrupt_callback(), dict);
        av_dict_free(dict);
        check(r, "connect to " + redact(url));
        ctx.pb(pb);
        check(avformat_write_header(ctx, (AVDictionary) null), "start the stream to " + redact(url));
    }

    /** Makes any network wait of this muxer return now (any thread). */
    void interrupt() {
        flag.put(0, 1);
    }

    /** Writes one packet; timestamps are in the track's timescale. */
    void write(int track, long pts, long dts, boolean keyframe, ByteBuffer data) {
        if (dts <= lastDts[track]) {
            return; // muxers refuse a decoding time that does not increase
        }
        lastDts[track] = dts;
        int n = data.remaining();
        if (buffer.capacity() < n) {
            buffer.close();
            buffer = new BytePointer(Math.max(n, (int) buffer.capacity() * 2));
        }
        buffer.position(0).limit(n).asBuffer().put(data.duplicate());
        buffer.position(0);
        packet.data(buffer);
        packet.size(n);
        packet.stream_index(track);
        packet.pts(Math.max(pts, dts));
        packet.dts(dts);
        packet.flags(keyframe ? AV_PKT_FLAG_KEY : 0);
        av_packet_rescale_ts(packet, bases[track], ctx.streams(track).time_base());
        int r = av_write_frame(ctx, packet);
        av_packet_unref(packet);
        check(r, "send");
    }

    /** Bytes handed to the network so far. */
    long bytes() {
        return closed || ctx.pb() == null ? 0 : avio_tell(ctx.pb());
    }

    /** Flushes what is buffered (unless interrupted) and frees everything. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ctx.pb() != null) {
            av_write_trailer(ctx);
            avio_closep(ctx.pb());
        }
        avformat_free_context(ctx);
        av_packet_free(packet);
        buffer.close();
        // The flag stays allocated until this object is collected: interrupt() may still come.
    }

    private static void describe(AVCodecParameters par, Track t) {
        switch (t.codec()) {
            case H264 -> video(par, t, AV_CODEC_ID_H264);
            case H265 -> video(par, t, AV_CODEC_ID_HEVC);
            case VP9 -> video(par, t, AV_CODEC_ID_VP9);
            case AV1 -> video(par, t, AV_CODEC_ID_AV1);
            case AAC -> audio(par, t, AV_CODEC_ID_AAC);
            case OPUS -> audio(par, t, AV_CODEC_ID_OPUS);
            case MP3 -> audio(par, t, AV_CODEC_ID_MP3);
            default -> throw new MuxException("MPEG-TS cannot carry " + t.codec());
        }
        byte[] config = t.config();
        if (config.length > 0) {
            BytePointer extra = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
            extra.capacity(config.length).put(config);
            par.extradata(extra);
            par.extradata_size(config.length);
        }
    }

    private static void video(AVCodecParameters par, Track t, int codecId) {
        par.codec_type(AVMEDIA_TYPE_VIDEO);
        par.codec_id(codecId);
        par.width(t.width());
        par.height(t.height());
    }

    private static void audio(AVCodecParameters par, Track t, int codecId) {
        par.codec_type(AVMEDIA_TYPE_AUDIO);
        par.codec_id(codecId);
        par.sample_rate(t.sampleRate());
        av_channel_layout_default(par.ch_layout(), Math.max(1, t.channels()));
        if (codecId == AV_CODEC_ID_AAC) {
            par.frame_size(1024);
        }
    }

    /** The URL without its query (which may hold a passphrase), for messages. */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static void check(int result, String what) {
        if (result < 0) {
            byte[] text = new byte[256];
            av_make_error_string(text, text.length, result);
            String message = new String(text, StandardCharsets.US_ASCII);
            int nul = message.indexOf('\0');
            throw new MuxException("cannot " + what + ": " + (nul >= 0 ? message.substring(0, nul) : message).trim()
                    + " (" + result + ")");
        }
    }

    /** FFmpeg's interrupt callback: non-zero when the flag its opaque points at is set. */
    private static final class InterruptCheck extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            return opaque == null || opaque.isNull() ? 0 : new IntPointer(opaque).get(0);
        }
    }
}
