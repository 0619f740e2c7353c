package dev.kiln.recorder.internal.mux.ts;

import dev.kiln.api.media.Track;
import java.nio.ByteBuffer;

/**
 * AAC: each raw frame gets a 7-byte ADTS header (no CRC) built from the track's
 * AudioSpecificConfig. A frame that already starts with an ADTS sync word goes through as it is.
 */
final class AdtsTrack extends EsTrack {
    static final int STREAM_TYPE = 0x0F;
    private static final int HEADER = 7;
    private static final int MAX_FRAME = 0x1FFF;

    /** Bytes 2 and 3 of the header without the frame length bits. */
    private final byte b2;
    private final int b3;

    private AdtsTrack(Track track, int pid, int streamId, int profile, int rateIndex, int channels) {
        super(track, pid, streamId, STREAM_TYPE, new byte[0]);
        this.b2 = (byte) (profile << 6 | rateIndex << 2 | channels >> 2);
        this.b3 = (channels & 3) << 6;
    }

    /**
     * The track as a TS stream, or null when ADTS cannot describe it: an object type other than
     * Main, LC, SSR or LTP (after HE-AAC's explicit SBR/PS signalling, the core's), an explicit
     * sampling rate, or a channel layout given by a program config element.
     */
    static AdtsTrack of(Track track, int pid, int streamId) {
        byte[] c = track.config();
        if (c.length < 2) {
            return null;
        }
        Bits bits = new Bits(c);
        int type = objectType(bits);
        int rateIndex = bits.read(4);
        if (rateIndex == 15) {
            return null;
        }
        int channels = bits.read(4);
        if (type == 5 || type == 29) { // SBR / PS: the extension's rate, then the core object type
            if (bits.read(4) == 15) {
                return null;
            }
            type = objectType(bits);
        }
        if (bits.overrun() || type < 1 || type > 4 || channels < 1 || channels > 7) {
            return null;
        }
        return new AdtsTrack(track, pid, streamId, type - 1, rateIndex, channels);
    }

    private static int objectType(Bits bits) {
        int type = bits.read(5);
        return type == 31 ? 32 + bits.read(6) : type;
    }

    @Override
    int maxPayload(int sourceLength) {
        return HEADER + sourceLength;
    }

    @Override
    int payload(ByteBuffer src, boolean keyframe, byte[] dst, int off) {
        int n = src.remaining();
        int pos = src.position();
        if (n >= 2 && src.get(pos) == (byte) 0xFF && (src.get(pos + 1) & 0xF0) == 0xF0) {
            src.get(pos, dst, off, n); // already ADTS (a raw frame cannot start with 0xFFF)
            return off + n;
        }
        int length = HEADER + n;
        if (n == 0 || length > MAX_FRAME) {
            return -1;
        }
        dst[off] = (byte) 0xFF;
        dst[off + 1] = (byte) 0xF1; // MPEG-4, layer 0, no CRC
        dst[off + 2] = b2;
        dst[off + 3] = (byte) (b3 | length >> 11);
        dst[off + 4] = (byte) (length >> 3);
        dst[off + 5] = (byte) ((length & 7) << 5 | 0x1F); // buffer fullness 0x7FF: variable rate
        dst[off + 6] = (byte) 0xFC; // one raw data block
        src.get(pos, dst, off + HEADER, n);
        return off + length;
    }

    /** Reads big-endian bit fields; reading past the end gives zeros and sets {@link #overrun}. */
    private static final class Bits {
        private final byte[] data;
        private int bit;

        Bits(byte[] data) {
            this.data = data;
        }

        int read(int count) {
            int v = 0;
            for (int i = 0; i < count; i++, bit++) {
                int b = bit >> 3 < data.length ? data[bit >> 3] >> (7 - (bit & 7)) & 1 : 0;
                v = v << 1 | b;
            }
            return v;
        }

        boolean overrun() {
            return bit > data.length * 8;
        }
    }
}
