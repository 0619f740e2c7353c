package dev.kiln.recorder.internal.mux.ts;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * H.264 or H.265 video: length-prefixed NAL units become Annex B (start codes), each access
 * unit starts with an access unit delimiter, and a key frame gets the parameter sets of the
 * track's configuration record (VPS, SPS, PPS) unless it carries its own.
 */
final class NalTrack extends EsTrack {
    static final int STREAM_TYPE_H264 = 0x1B;
    static final int STREAM_TYPE_H265 = 0x24;
    private static final byte[] AUD_H264 = {0, 0, 0, 1, 0x09, (byte) 0xF0};
    private static final byte[] AUD_H265 = {0, 0, 0, 1, 0x46, 0x01, 0x50};

    private final boolean hevc;
    private final int lengthSize;
    private final byte[] aud;
    private final byte[] parameterSets;

    private NalTrack(Track track, int pid, int streamId, boolean hevc, int lengthSize, byte[] parameterSets) {
        super(track, pid, streamId, hevc ? STREAM_TYPE_H265 : STREAM_TYPE_H264, new byte[0]);
        this.hevc = hevc;
        this.lengthSize = lengthSize;
        this.aud = hevc ? AUD_H265 : AUD_H264;
        this.parameterSets = parameterSets;
    }

    /** The track as a TS stream, or null when its configuration record is not usable. */
    static NalTrack of(Track track, int pid, int streamId) {
        byte[] c = track.config();
        Config parsed = track.codec() == Codec.H265 ? hvcc(c) : avcc(c);
        if (parsed == null) {
            return null;
        }
        return new NalTrack(track, pid, streamId, track.codec() == Codec.H265, parsed.lengthSize, parsed.sets);
    }

    private record Config(int lengthSize, byte[] sets) {}

    /** AVCDecoderConfigurationRecord: SPS and PPS lists after a 5-byte header. */
    private static Config avcc(byte[] c) {
        if (c.length < 7 || c[0] != 1) {
            return null;
        }
        int lengthSize = (c[4] & 3) + 1;
        ByteArrayOutputStream sets = new ByteArrayOutputStream();
        int p = 5;
        int found = 0;
        for (int list = 0; list < 2; list++) {
            if (p >= c.length) {
                return null;
            }
            int count = list == 0 ? c[p++] & 0x1F : c[p++] & 0xFF;
            for (int i = 0; i < count; i++) {
                p = copyUnit(c, p, sets);
                if (p < 0) {
                    return null;
                }
            }
            found += count > 0 ? 1 : 0;
        }
        return found == 2 && lengthSize != 3 ? new Config(lengthSize, sets.toByteArray()) : null;
    }

    /** HEVCDecoderConfigurationRecord: a 23-byte header, then arrays of NAL units by type. */
    private static Config hvcc(byte[] c) {
        if (c.length < 23) {
            return null;
        }
        int lengthSize = (c[21] & 3) + 1;
        int arrays = c[22] & 0xFF;
        ByteArrayOutputStream sets = new ByteArrayOutputStream();
        int p = 23;
        int seen = 0;
        for (int a = 0; a < arrays; a++) {
            if (p + 3 > c.length) {
                return null;
            }
            int type = c[p] & 0x3F;
            int count = (c[p + 1] & 0xFF) << 8 | c[p + 2] & 0xFF;
            p += 3;
            boolean keep = type >= 32 && type <= 34; // VPS, SPS, PPS
            for (int i = 0; i < count; i++) {
                p = copyUnit(c, p, keep ? sets : null);
                if (p < 0) {
                    return null;
                }
            }
            if (keep && count > 0) {
                seen |= 1 << (type - 32);
            }
        }
        return seen == 7 && lengthSize != 3 ? new Config(lengthSize, sets.toByteArray()) : null;
    }

    /** Copies one 16-bit-length-prefixed unit at {@code p} as Annex B; the next offset or -1. */
    private static int copyUnit(byte[] c, int p, ByteArrayOutputStream out) {
        if (p + 2 > c.length) {
            return -1;
        }
        int n = (c[p] & 0xFF) << 8 | c[p + 1] & 0xFF;
        p += 2;
        if (n == 0 || p + n > c.length) {
            return -1;
        }
        if (out != null) {
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            out.write(c, p, n);
        }
        return p + n;
    }

    @Override
    int maxPayload(int sourceLength) {
        int units = lengthSize == 4 ? sourceLength : sourceLength * 3;
        return aud.length + parameterSets.length + units;
    }

    @Override
    int payload(ByteBuffer src, boolean keyframe, byte[] dst, int off) {
        System.arraycopy(aud, 0, dst, off, aud.length);
        off += aud.length;
        if (keyframe && !hasParameterSets(src)) {
            System.arraycopy(parameterSets, 0, dst, off, parameterSets.length);
            off += parameterSets.length;
        }
        int audType = hevc ? 35 : 9;
        int pos = src.position();
        int end = src.limit();
        while (end - pos > lengthSize) {
            int n = length(src, pos);
            pos += lengthSize;
            if (n < 0 || n > end - pos) {
                break; // a broken length: keep what came before it
            }
            if (n > 0 && type(src.get(pos)) != audType) {
                dst[off] = 0;
                dst[off + 1] = 0;
                dst[off + 2] = 0;
                dst[off + 3] = 1;
                src.get(pos, dst, off + 4, n);
                off += 4 + n;
            }
            pos += n;
        }
        return off;
    }

    private boolean hasParameterSets(ByteBuffer src) {
        int spsType = hevc ? 33 : 7;
        int pos = src.position();
        int end = src.limit();
        while (end - pos > lengthSize) {
            int n = length(src, pos);
            pos += lengthSize;
            if (n <= 0 || n > end - pos) {
                return false;
            }
            if (type(src.get(pos)) == spsType) {
                return true;
            }
            pos += n;
        }
        return false;
    }

    private int type(byte header) {
        return hevc ? (header >> 1) & 0x3F : header & 0x1F;
    }

    private int length(ByteBuffer src, int pos) {
        int n = 0;
        for (int i = 0; i < lengthSize; i++) {
            n = n << 8 | src.get(pos + i) & 0xFF; // big-endian whatever the buffer's order
        }
        return n;
    }
}
