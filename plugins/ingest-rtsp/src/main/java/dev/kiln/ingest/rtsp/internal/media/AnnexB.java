package dev.kiln.ingest.rtsp.internal.media;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * NAL unit framing: Annex B byte streams (start codes {@code 00 00 01} / {@code 00 00 00 01}),
 * as FFmpeg's RTP depacketizers hand out H.264 and H.265, and the 4-byte length prefixes Kiln's
 * tracks carry.
 */
public final class AnnexB {
    private AnnexB() {}

    /** True when the bytes start with a start code. */
    public static boolean isAnnexB(byte[] data) {
        return data.length >= 3 && data[0] == 0 && data[1] == 0
                && (data[2] == 1 || data.length >= 4 && data[2] == 0 && data[3] == 1);
    }

    /**
     * The NAL units of an Annex B byte stream, without start codes and trailing zero bytes. Bytes
     * before the first start code are ignored.
     */
    public static List<byte[]> split(byte[] data) {
        List<byte[]> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < data.length) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    addTrimmed(nals, data, start, i);
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            addTrimmed(nals, data, start, data.length);
        }
        return nals;
    }

    /** The NAL units of a buffer of 4-byte length-prefixed units, or null when it is not one. */
    public static List<byte[]> splitLengthPrefixed(byte[] data) {
        List<byte[]> nals = new ArrayList<>();
        int i = 0;
        while (i + 4 <= data.length) {
            long n = ((data[i] & 0xFFL) << 24) | ((data[i + 1] & 0xFF) << 16) | ((data[i + 2] & 0xFF) << 8)
                    | (data[i + 3] & 0xFF);
            if (n == 0 || n > data.length - i - 4) {
                return null;
            }
            byte[] nal = new byte[(int) n];
            System.arraycopy(data, i + 4, nal, 0, nal.length);
            nals.add(nal);
            i += 4 + (int) n;
        }
        return i == data.length ? nals : null;
    }

    /** NAL units each behind a 4-byte big-endian length. */
    public static byte[] lengthPrefixed(List<byte[]> nals) {
        int size = 0;
        for (byte[] n : nals) {
            size += 4 + n.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        for (byte[] n : nals) {
            out.write(n.length >>> 24);
            out.write(n.length >>> 16);
            out.write(n.length >>> 8);
            out.write(n.length);
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    private static void addTrimmed(List<byte[]> nals, byte[] data, int from, int to) {
        int end = to;
        while (end > from && data[end - 1] == 0) {
            end--;
        }
        if (end > from) {
            byte[] nal = new byte[end - from];
            System.arraycopy(data, from, nal, 0, nal.length);
            nals.add(nal);
        }
    }
}
