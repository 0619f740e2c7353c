package dev.kiln.ingest.rtsp.internal.av;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_network_init;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_error_string;

import dev.kiln.ingest.rtsp.internal.media.SourceStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One RTSP session read with libavformat, packets out, no decoding. Every wait inside FFmpeg
 * checks an interrupt state in native memory: {@link #interrupt()} (any thread) makes a blocked
 * open or read return at once, and a deadline set with {@link #deadline(long)} bounds the next
 * open or read. Everything else is for one thread at a time.
 */
public final class RtspInput implements AutoCloseable {
    /** One callback for every input (JavaCPP callbacks are few): it reads the state its opaque points at. */
    private static final InterruptCheck CHECK = new InterruptCheck();
    private static final int AGAIN = -11; // AVERROR(EAGAIN)

    static {
        avformat_network_init();
    }

    /** [0] interrupted (0/1), [1] deadline in System.nanoTime() (0 = none). */
    private final LongPointer state;
    private final AVFormatContext ctx;
    private final AVPacket packet = av_packet_alloc();
    private final List<SourceStream> streams;
    private boolean closed;

    private RtspInput(LongPointer state, AVFormatContext ctx) {
        this.state = state;
        this.ctx = ctx;
        this.streams = describe(ctx);
    }

    /** A packet as read: timestamps in its stream's time base, {@code NONE} when missing. */
    public record Packet(int streamIndex, long pts, long dts, boolean key, byte[] data) {}

    /** A missing timestamp. */
    public static final long NONE = Long.MIN_VALUE;

    /**
     * Opens the session: connects, reads the SDP, sets up and starts playing.
     *
     * @param url       the RTSP URL FFmpeg gets
     * @param options   demuxer options (FFmpeg's names: {@code rtsp_transport}, {@code timeout}, …)
     * @param deadline  System.nanoTime() after which the open gives up
     * @param interrupt an interrupt state shared with the caller (see {@link #newInterrupt()})
     * @throws RtspException naming what failed
     */
    public static RtspInput open(String url, Map<String, String> options, long deadline, LongPointer interrupt) {
        interrupt.put(1, deadline);
        AVFormatContext ctx = avformat_alloc_context();
        if (ctx == null) {
            throw new RtspException(RtspException.Kind.FAILED, "out of memory");
        }
        AVIOInterruptCB cb = ctx.interrupt_callback();
        cb.callback(CHECK);
        cb.opaque(interrupt);
        AVDictionary dict = new AVDictionary(null);
        options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
        int r = avformat_open_input(ctx, url, null, dict);
        av_dict_free(dict);
        if (r < 0) {
            // avformat_open_input freed the context.
            throw failure(interrupt, r, "no answer in time");
        }
        return new RtspInput(interrupt, ctx);
    }

    /** A fresh interrupt state, not interrupted, no deadline. */
    public static LongPointer newInterrupt() {
        LongPointer p = new LongPointer(2);
        p.put(0, 0L);
        p.put(1, 0L);
        return p;
    }

    /** Makes every wait of the input(s) using this state return now (any thread). */
    public static void interrupt(LongPointer state) {
        state.put(0, 1L);
    }

    /** The streams the SDP announces. */
    public List<SourceStream> streams() {
        return streams;
    }

    /** Bounds the next reads: after System.nanoTime() passes {@code nanos} they fail (0 = no bound). */
    public void deadline(long nanos) {
        state.put(1, nanos);
    }

    /**
     * The next packet; blocks until one arrives.
     *
     * @throws RtspException when the session ended, failed, was interrupted or passed its deadline
     */
    public Packet read() {
        while (true) {
            int r = av_read_frame(ctx, packet);
            if (r == AGAIN) {
                continue;
            }
            if (r < 0) {
                throw failure(state, r, "no input in time");
            }
            try {
                int size = packet.size();
                byte[] data = new byte[size];
                if (size > 0) {
                    packet.data().capacity(size).asByteBuffer().get(data);
                }
                return new Packet(packet.stream_index(), ts(packet.pts()), ts(packet.dts()),
                        (packet.flags() & AV_PKT_FLAG_KEY) != 0, data);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** Ends the session (sends TEARDOWN unless interrupted) and frees everything. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        state.put(1, System.nanoTime() + 1_000_000_000L); // TEARDOWN may not wait long
        avformat_close_input(ctx);
        av_packet_free(packet);
    }

    private static long ts(long v) {
        return v == AV_NOPTS_VALUE ? NONE : v;
    }

    private static List<SourceStream> describe(AVFormatContext ctx) {
        List<SourceStream> out = new ArrayList<>();
        for (int i = 0; i < ctx.nb_streams(); i++) {
            AVStream st = ctx.streams(i);
            AVCodecParameters par = st.codecpar();
            byte[] extra = new byte[Math.max(par.extradata_size(), 0)];
            if (extra.length > 0 && par.extradata() != null) {
                par.extradata().capacity(extra.length).asByteBuffer().get(extra);
            }
            BytePointer name = avcodec_get_name(par.codec_id());
            out.add(new SourceStream(i, name == null ? "none" : name.getString(), st.time_base().num(),
                    st.time_base().den(), par.width(), par.height(), par.sample_rate(),
                    par.ch_layout().nb_channels(), extra));
        }
        return List.copyOf(out);
    }

    private static RtspException failure(LongPointer state, int code, String timedOut) {
        if (state.get(0) != 0) {
            return new RtspException(RtspException.Kind.STOPPED, "stopped");
        }
        long deadline = state.get(1);
        if (code == AVERROR_EXIT || deadline != 0 && System.nanoTime() - deadline > 0) {
            // FFmpeg reports an interrupted RTSP reply as invalid data: the deadline tells.
            return new RtspException(RtspException.Kind.TIMED_OUT, timedOut);
        }
        return new RtspException(RtspException.Kind.FAILED,
                code == AVERROR_EOF ? "the server ended the session" : error(code));
    }

    static String error(int code) {
        byte[] text = new byte[256];
        av_make_error_string(text, text.length, code);
        String message = new String(text, StandardCharsets.US_ASCII);
        int nul = message.indexOf('\0');
        return (nul >= 0 ? message.substring(0, nul) : message).trim() + " (" + code + ")";
    }

    /** FFmpeg's interrupt callback: non-zero when interrupted or past the deadline. */
    private static final class InterruptCheck extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            if (opaque == null || opaque.isNull()) {
                return 0;
            }
            LongPointer s = new LongPointer(opaque);
            if (s.get(0) != 0) {
                return 1;
            }
            long deadline = s.get(1);
            return deadline != 0 && System.nanoTime() - deadline > 0 ? 1 : 0;
        }
    }
}
