package dev.kiln.recorder.internal.mux.ts;

import dev.kiln.api.media.Track;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Opus as the Opus-in-MPEG-TS mapping carries it: private stream 1 with a registration
 * descriptor ("Opus") and a DVB extension descriptor giving the channel configuration, and an
 * access unit control header (0x7FE0, then the size in 255-steps) before each packet. Mono and
 * stereo (mapping family 0) only; other layouts go to the FFmpeg writer.
 */
final class OpusTrack extends EsTrack {
    static final int STREAM_TYPE = 0x06;
    static final int STREAM_ID = 0xBD;

    private OpusTrack(Track track, int pid, int channels) {
        super(track, pid, STREAM_ID, STREAM_TYPE, new byte[] {
            0x05, 4, 'O', 'p', 'u', 's',            // registration descriptor
            0x7F, 2, (byte) 0x80, (byte) channels,  // DVB extension: channel_config_code
        });
    }

    /** The track as a TS stream, or null for more than two channels or an unknown OpusHead. */
    static OpusTrack of(Track track, int pid) {
        byte[] c = track.config();
        int channels;
        if (c.length == 0) {
            channels = track.channels();
        } else if (c.length >= 19 && "OpusHead".equals(new String(c, 0, 8, StandardCharsets.US_ASCII))
                && c[18] == 0) {
            channels = c[9] & 0xFF;
        } else {
            return null;
        }
        return channels == 1 || channels == 2 ? new OpusTrack(track, pid, channels) : null;
    }

    @Override
    int maxPayload(int sourceLength) {
        return 2 + sourceLength / 255 + 1 + sourceLength;
    }

    @Override
    int payload(ByteBuffer src, boolean keyframe, byte[] dst, int off) {
        int n = src.remaining();
        if (n == 0) {
            return -1;
        }
        dst[off++] = 0x7F;
        dst[off++] = (byte) 0xE0; // no trim, no extension
        int size = n;
        while (size >= 255) {
            dst[off++] = (byte) 0xFF;
            size -= 255;
        }
        dst[off++] = (byte) size;
        src.get(src.position(), dst, off, n);
        return off + n;
    }
}
