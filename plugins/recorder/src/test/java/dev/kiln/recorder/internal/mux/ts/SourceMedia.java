package dev.kiln.recorder.internal.mux.ts;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.recorder.internal.mux.ContainerWriter;
import dev.kiln.testkit.FfmpegTool;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Packets and tracks in Kiln's conventions, read from an MP4 that ffmpeg made at test time:
 * MP4 keeps H.264/H.265 length-prefixed with avcC/hvcC and AAC raw with its AudioSpecificConfig,
 * as Kiln's tracks do. Timestamps are rescaled to one timescale and shifted to start at 0.
 */
record SourceMedia(List<Track> tracks, List<Packet> packets, int timescale) {

    record Packet(int track, long pts, long dts, boolean keyframe, byte[] data) {}

    /** Runs ffmpeg with {@code args} (inputs and codecs) writing {@code out}, then reads it. */
    static SourceMedia make(Path out, int timescale, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-v", "error", "-y"));
        cmd.addAll(List.of(args));
        cmd.add(out.toString());
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError("ffmpeg failed: " + r.output());
        }
        return read(out, timescale);
    }

    static SourceMedia read(Path file, int timescale) {
        AVFormatContext ctx = new AVFormatContext(null);
        if (avformat_open_input(ctx, file.toString(), null, null) < 0
                || avformat_find_stream_info(ctx, (PointerPointer<?>) null) < 0) {
            throw new AssertionError("cannot read " + file);
        }
        List<Track> tracks = new ArrayList<>();
        for (int i = 0; i < ctx.nb_streams(); i++) {
            AVCodecParameters par = ctx.streams(i).codecpar();
            byte[] config = new byte[par.extradata_size()];
            if (config.length > 0) {
                par.extradata().get(config);
            }
            int id = par.codec_id();
            Codec codec = id == AV_CODEC_ID_H264 ? Codec.H264 : id == AV_CODEC_ID_HEVC ? Codec.H265
                    : id == AV_CODEC_ID_AAC ? Codec.AAC : id == AV_CODEC_ID_OPUS ? Codec.OPUS : null;
            if (codec == null) {
                throw new AssertionError("unexpected codec " + id);
            }
            tracks.add(codec.type() == dev.kiln.api.media.MediaType.VIDEO
                    ? Track.video(i, codec, timescale, par.width(), par.height(), config)
                    : Track.audio(i, codec, timescale, par.sample_rate(), par.ch_layout().nb_channels(), config));
        }
        List<Packet> raw = new ArrayList<>();
        AVPacket pkt = av_packet_alloc();
        long min = Long.MAX_VALUE;
        while (av_read_frame(ctx, pkt) >= 0) {
            AVStream st = ctx.streams(pkt.stream_index());
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            long pts = av_rescale_q(pkt.pts(), st.time_base(), av_make_q(1, timescale));
            long dts = av_rescale_q(pkt.dts(), st.time_base(), av_make_q(1, timescale));
            min = Math.min(min, dts);
            raw.add(new Packet(pkt.stream_index(), pts, dts, (pkt.flags() & AV_PKT_FLAG_KEY) != 0, data));
            av_packet_unref(pkt);
        }
        av_packet_free(pkt);
        avformat_close_input(ctx);
        long shift = min;
        List<Packet> packets = raw.stream()
                .map(p -> new Packet(p.track, p.pts - shift, p.dts - shift, p.keyframe, p.data)).toList();
        return new SourceMedia(tracks, packets, timescale);
    }

    long count(int track) {
        return packets.stream().filter(p -> p.track == track).count();
    }

    /** Seconds from the first to the last packet of a track, plus one frame. */
    double seconds(int track) {
        List<Packet> ps = packets.stream().filter(p -> p.track == track).toList();
        long first = ps.get(0).pts;
        long last = ps.stream().mapToLong(Packet::pts).max().orElseThrow();
        return (last - first) * (1.0 + 1.0 / ps.size()) / timescale;
    }

    /** Writes every packet (direct buffers, as the media bus hands them over) and returns how many went. */
    int writeTo(ContainerWriter writer, int limit) {
        int n = 0;
        for (Packet p : packets) {
            if (n == limit) {
                break;
            }
            ByteBuffer data = ByteBuffer.allocateDirect(p.data.length).put(p.data).flip();
            writer.write(p.track, p.pts, p.dts, p.keyframe, data);
            if (data.position() != 0 || data.limit() != p.data.length) {
                throw new AssertionError("the writer moved the payload's position or limit");
            }
            n++;
        }
        return n;
    }
}
