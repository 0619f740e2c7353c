package dev.kiln.recorder.internal.mux;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_get_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_init;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_send_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
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
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVBSFContext;
import org.bytedeco.ffmpeg.avcodec.AVBitStreamFilter;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * Muxes coded packets into a file with libavformat, no decoding: each track's codec
 * configuration becomes the stream's extradata. MP4 is written fragmented (a fragment at
 * each video key frame and at least every second; the sample-less moov goes out with the
 * first fragment, {@code delay_moov}, so that a file continuing another's timestamps keeps
 * its start offset) and stays playable when cut; MPEG-TS gets Annex B video and ADTS audio
 * from the muxer's own conversion; AVI gets Annex B video through FFmpeg's
 * {@code h264_mp4toannexb} / {@code hevc_mp4toannexb} bitstream filters (its muxer takes the
 * length-prefixed form as it is, and readers refuse it). MOV, AVI and FLV are written plainly,
 * their index at the end: the recorder's temporary name covers the time before.
 * Not thread-safe: one writer, one thread at a time.
 */
public final class FfmpegWriter implements ContainerWriter {
    private static final String MP4_FLAGS = "frag_keyframe+empty_moov+delay_moov+default_base_moof";

    private final Path file;
    private final AVFormatContext ctx;
    private final AVRational[] trackBases;
    private final AVPacket packet;
    private BytePointer buffer = new BytePointer(64 * 1024);
    private final long[] lastDts;
    private final long[] durations;
    /** Per track, the Annex B filter (AVI video), or null. */
    private final AVBSFContext[] filters;
    private boolean closed;

    private FfmpegWriter(Path file, AVFormatContext ctx, AVRational[] trackBases, long[] durations,
                         AVBSFContext[] filters) {
        this.file = file;
        this.ctx = ctx;
        this.trackBases = trackBases;
        this.durations = durations;
        this.filters = filters;
        this.packet = av_packet_alloc();
        this.lastDts = new long[trackBases.length];
        java.util.Arrays.fill(lastDts, Long.MIN_VALUE);
    }

    /**
     * Creates {@code file} and writes the header.
     *
     * @throws MuxException when a codec has no mapping or the file cannot be created
     */
    public static FfmpegWriter open(Path file, Container container, List<Track> tracks) {
        AVFormatContext ctx = new AVFormatContext(null);
        check(avformat_alloc_output_context2(ctx, null, container.muxer(), file.toString()), "prepare", file);
        AVRational[] bases = new AVRational[tracks.size()];
        long[] durations = new long[tracks.size()];
        AVBSFContext[] filters = new AVBSFContext[tracks.size()];
        try {
            boolean hasVideo = false;
            for (int i = 0; i < tracks.size(); i++) {
                Track t = tracks.get(i);
                AVStream st = avformat_new_stream(ctx, null);
                if (st == null) {
                    throw new MuxException("Cannot add a stream to " + file);
                }
                describe(st.codecpar(), t, file);
                bases[i] = av_make_q(1, t.timescale());
                if (t.codec() == dev.kiln.api.media.Codec.AAC && t.sampleRate() > 0) {
                    durations[i] = 1024L * t.timescale() / t.sampleRate(); // one AAC frame
                }
                st.time_base(bases[i]);
                if (container == Container.AVI) {
                    filters[i] = annexB(st.codecpar(), t, bases[i], file);
                }
                hasVideo |= t.codec().type() == dev.kiln.api.media.MediaType.VIDEO;
            }
            AVIOContext pb = new AVIOContext(null);
            check(avio_open(pb, file.toString(), AVIO_FLAG_WRITE), "create", file);
            ctx.pb(pb);
            AVDictionary options = new AVDictionary(null);
            if (container == Container.MP4) {
                av_dict_set(options, "movflags", MP4_FLAGS, 0);
                av_dict_set(options, "frag_duration", "1000000", 0);
            }
            if (!hasVideo || container == Container.MP4) {
                ctx.flush_packets(1);
            }
            int r = avformat_write_header(ctx, options);
            av_dict_free(options);
            check(r, "write the header of", file);
            return new FfmpegWriter(file, ctx, bases, durations, filters);
        } catch (RuntimeException e) {
            if (ctx.pb() != null) {
                avio_closep(ctx.pb());
            }
            avformat_free_context(ctx);
            freeFilters(filters);
            throw e;
        }
    }

    /**
     * For H.264/H.265: a filter turning the track's length-prefixed packets into Annex B (with the
     * parameter sets on key frames); the stream's parameters become the filter's output. Null for
     * other codecs.
     */
    private static AVBSFContext annexB(AVCodecParameters par, Track t, AVRational base, Path file) {
        String name = switch (t.codec()) {
            case H264 -> "h264_mp4toannexb";
            case H265 -> "hevc_mp4toannexb";
            default -> null;
        };
        if (name == null) {
            return null;
        }
        AVBitStreamFilter filter = av_bsf_get_by_name(name);
        if (filter == null) {
            throw new MuxException("FFmpeg lacks the " + name + " filter needed for " + file);
        }
        AVBSFContext bsf = new AVBSFContext(null);
        check(av_bsf_alloc(filter, bsf), "prepare " + name + " for", file);
        try {
            check(avcodec_parameters_copy(bsf.par_in(), par), "prepare " + name + " for", file);
            bsf.time_base_in(base);
            check(av_bsf_init(bsf), "start " + name + " for", file);
            check(avcodec_parameters_copy(par, bsf.par_out()), "prepare " + name + " for", file);
            return bsf;
        } catch (RuntimeException e) {
            av_bsf_free(bsf);
            throw e;
        }
    }

    private static void freeFilters(AVBSFContext[] filters) {
        for (int i = 0; i < filters.length; i++) {
            if (filters[i] != null) {
                av_bsf_free(filters[i]);
                filters[i] = null;
            }
        }
    }

    private static void describe(AVCodecParameters par, Track t, Path file) {
        switch (t.codec()) {
            case H264 -> video(par, t, AV_CODEC_ID_H264);
            case H265 -> video(par, t, AV_CODEC_ID_HEVC);
            case VP8 -> video(par, t, AV_CODEC_ID_VP8);
            case VP9 -> video(par, t, AV_CODEC_ID_VP9);
            case AV1 -> video(par, t, AV_CODEC_ID_AV1);
            case AAC -> audio(par, t, AV_CODEC_ID_AAC);
            case OPUS -> audio(par, t, AV_CODEC_ID_OPUS);
            case MP3 -> audio(par, t, AV_CODEC_ID_MP3);
            default -> throw new MuxException("Cannot record " + t.codec() + " into " + file);
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

    @Override
    public void write(int track, long pts, long dts, boolean keyframe, ByteBuffer data) {
        if (closed) {
            throw new MuxException(file + " is closed");
        }
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
        packet.duration(durations[track]);
        packet.flags(keyframe ? AV_PKT_FLAG_KEY : 0);
        AVBSFContext filter = filters[track];
        if (filter == null) {
            mux(track);
            return;
        }
        int sent = av_bsf_send_packet(filter, packet);
        av_packet_unref(packet);
        check(sent, "filter a packet for", file);
        while (av_bsf_receive_packet(filter, packet) == 0) {
            mux(track);
        }
    }

    /** Writes {@code packet} (in the track's time base) to the file and unrefs it. */
    private void mux(int track) {
        packet.stream_index(track);
        AVStream st = ctx.streams(track);
        av_packet_rescale_ts(packet, trackBases[track], st.time_base());
        int r = av_interleaved_write_frame(ctx, packet);
        av_packet_unref(packet);
        check(r, "write to", file);
    }

    @Override
    public long bytes() {
        return closed || ctx.pb() == null ? 0 : avio_tell(ctx.pb());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int trailer = av_write_trailer(ctx);
        avio_closep(ctx.pb());
        avformat_free_context(ctx);
        av_packet_free(packet);
        freeFilters(filters);
        buffer.close();
        check(trailer, "finish", file);
    }

    private static void check(int result, String what, Path file) {
        if (result < 0) {
            byte[] text = new byte[256];
            av_make_error_string(text, text.length, result);
            String message = new String(text, java.nio.charset.StandardCharsets.US_ASCII).trim();
            int nul = message.indexOf('\0');
            throw new MuxException("Cannot " + what + " " + file + ": "
                    + (nul >= 0 ? message.substring(0, nul) : message) + " (" + result + ")");
        }
    }
}
