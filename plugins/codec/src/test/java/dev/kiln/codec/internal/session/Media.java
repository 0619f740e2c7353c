package dev.kiln.codec.internal.session;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import dev.kiln.testkit.FfmpegTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/** Test media: an FLV made by the bundled ffmpeg, read as Kiln tracks and packets; output written as MP4. */
final class Media {
    private Media() {}

    record Input(List<Track> tracks, List<MediaPacket> packets) {}

    /** {@code seconds} of testsrc2 at {@code size}, 30 fps, GOP 30, and a 44.1 kHz stereo AAC tone, as FLV. */
    static Path makeFlv(Path dir, String size, int seconds) {
        Path flv = dir.resolve("in.flv");
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), List.of("-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-bf", "0", "-c:a", "aac", "-ac", "2",
                "-b:a", "96k", "-f", "flv", flv.toString()));
        if (r.exitCode() != 0) {
            throw new AssertionError("ffmpeg failed:\n" + r.output());
        }
        return flv;
    }

    /** Demuxes an FLV into tracks (ids 0 video, 1 audio; timescale 1000) and packets, as RTMP ingest would. */
    static Input read(Path flv) {
        AVFormatContext ctx = new AVFormatContext(null);
        check(avformat_open_input(ctx, flv.toString(), (AVInputFormat) null, (AVDictionary) null));
        AVPacket pkt = av_packet_alloc();
        try {
            check(avformat_find_stream_info(ctx, (AVDictionary) null));
            List<Track> tracks = new ArrayList<>();
            int[] ids = new int[ctx.nb_streams()];
            for (int i = 0; i < ctx.nb_streams(); i++) {
                AVCodecParameters par = ctx.streams(i).codecpar();
                byte[] extra = new byte[par.extradata_size()];
                if (extra.length > 0) {
                    par.extradata().capacity(extra.length).get(extra);
                }
                if (par.codec_type() == AVMEDIA_TYPE_VIDEO) {
                    ids[i] = 0;
                    tracks.add(Track.video(0, Codec.H264, 1000, par.width(), par.height(), extra));
                } else {
                    ids[i] = 1;
                    tracks.add(Track.audio(1, Codec.AAC, 1000, par.sample_rate(), par.ch_layout().nb_channels(), extra));
                }
            }
            List<MediaPacket> packets = new ArrayList<>();
            AVRational ms = av_make_q(1, 1000);
            while (av_read_frame(ctx, pkt) >= 0) {
                av_packet_rescale_ts(pkt, ctx.streams(pkt.stream_index()).time_base(), ms);
                byte[] data = new byte[pkt.size()];
                pkt.data().capacity(pkt.size()).get(data);
                packets.add(new MediaPacket(ids[pkt.stream_index()], pkt.pts(), pkt.dts(),
                        (pkt.flags() & AV_PKT_FLAG_KEY) != 0, new HeapPayload(data)));
                av_packet_unref(pkt);
            }
            return new Input(tracks, packets);
        } finally {
            av_packet_free(pkt);
            avformat_close_input(ctx);
        }
    }

    /** Muxes tracks and packets into an MP4 file (extradata from the track configs). */
    static void writeMp4(Path file, List<Track> tracks, List<MediaPacket> packets) {
        AVFormatContext ctx = new AVFormatContext(null);
        check(avformat_alloc_output_context2(ctx, null, "mp4", file.toString()));
        AVRational[] bases = new AVRational[tracks.size()];
        int[] index = new int[64];
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i);
            index[t.id()] = i;
            AVStream st = avformat_new_stream(ctx, null);
            AVCodecParameters par = st.codecpar();
            if (t.codec() == Codec.H264 || t.codec() == Codec.H265) {
                par.codec_type(AVMEDIA_TYPE_VIDEO);
                par.codec_id(t.codec() == Codec.H264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_HEVC);
                par.width(t.width());
                par.height(t.height());
            } else {
                par.codec_type(AVMEDIA_TYPE_AUDIO);
                par.codec_id(t.codec() == Codec.OPUS ? AV_CODEC_ID_OPUS : AV_CODEC_ID_AAC);
                par.sample_rate(t.sampleRate());
                av_channel_layout_default(par.ch_layout(), t.channels());
            }
            byte[] config = t.config();
            if (config.length > 0) {
                BytePointer extra = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
                extra.capacity(config.length).put(config);
                par.extradata(extra);
                par.extradata_size(config.length);
            }
            bases[i] = av_make_q(1, t.timescale());
            st.time_base(bases[i]);
        }
        AVIOContext pb = new AVIOContext(null);
        check(avio_open(pb, file.toString(), AVIO_FLAG_WRITE));
        ctx.pb(pb);
        check(avformat_write_header(ctx, (AVDictionary) null));
        AVPacket pkt = av_packet_alloc();
        for (MediaPacket p : packets) {
            int i = index[p.trackId()];
            byte[] data = p.payload().toByteArray();
            check(av_new_packet(pkt, data.length));
            pkt.data().capacity(data.length).put(data);
            pkt.stream_index(i);
            pkt.pts(p.pts());
            pkt.dts(p.dts());
            pkt.flags(p.keyframe() ? AV_PKT_FLAG_KEY : 0);
            av_packet_rescale_ts(pkt, bases[i], ctx.streams(i).time_base());
            check(av_interleaved_write_frame(ctx, pkt));
        }
        av_packet_free(pkt);
        check(av_write_trailer(ctx));
        avio_closep(ctx.pb());
        avformat_free_context(ctx);
    }

    /** ffprobe's flat output of the file's streams (codec, size, rate, frame count) and format, by key. */
    static java.util.Map<String, String> probe(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error", "-count_frames",
                "-show_entries", "stream=codec_name,width,height,sample_rate,channels,nb_read_frames:format=duration",
                "-of", "flat", file.toString()));
        if (r.exitCode() != 0) {
            throw new AssertionError("ffprobe failed on " + file + ":\n" + r.output());
        }
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
            }
        }
        return out;
    }

    private static void check(int r) {
        if (r < 0) {
            throw new AssertionError("FFmpeg error " + r);
        }
    }
}
