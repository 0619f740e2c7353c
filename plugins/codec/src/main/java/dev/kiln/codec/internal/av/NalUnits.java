package dev.kiln.codec.internal.av;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 bitstream layouts: encoders emit Annex B (start codes), Kiln tracks carry AVCC
 * (4-byte lengths) with an AVCDecoderConfigurationRecord as the track config.
 */
public final class NalUnits {
    private NalUnits() {}

    /** True when {@code data} starts with a 3- or 4-byte start code. */
    public static boolean isAnnexB(byte[] data) {
        return data.length >= 4 && data[0] == 0 && data[1] == 0
                && (data[2] == 1 || (data[2] == 0 && data[3] == 1));
    }

    /** The NAL units of an Annex B buffer, start codes removed. */
    public static List<byte[]> split(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int start = -1;
        while (i + 2 < data.length) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    out.add(trimmed(data, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < data.length) {
            out.add(java.util.Arrays.copyOfRange(data, start, data.length));
        }
        return out;
    }

    /** Cuts the zero byte of a 4-byte start code that follows a NAL unit. */
    private static byte[] trimmed(byte[] data, int from, int to) {
        int end = to;
        while (end > from && data[end - 1] == 0) {
            end--;
        }
        return java.util.Arrays.copyOfRange(data, from, end);
    }

    /** Annex B to AVCC (length-prefixed); AVCC input is returned as it is. */
    public static byte[] toAvcc(byte[] data) {
        if (!isAnnexB(data)) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
        for (byte[] nal : split(data)) {
            int n = nal.length;
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    /**
     * An avcC record from Annex B extradata holding SPS and PPS; avcC input (first byte 1)
     * is returned as it is.
     *
     * @throws IllegalArgumentException when there is no SPS or PPS
     */
    public static byte[] avcC(byte[] extradata) {
        if (extradata.length > 0 && extradata[0] == 1) {
            return extradata;
        }
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : split(extradata)) {
            if (nal.length == 0) {
                continue;
            }
            switch (nal[0] & 0x1f) {
                case 7 -> sps.add(nal);
                case 8 -> pps.add(nal);
                default -> { }
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || sps.get(0).length < 4) {
            throw new IllegalArgumentException("H.264 extradata without SPS/PPS");
        }
        byte[] first = sps.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(first[1]);
        out.write(first[2]);
        out.write(first[3]);
        out.write(0xff); // 4-byte NAL lengths
        out.write(0xe0 | sps.size());
        for (byte[] s : sps) {
            out.write(s.length >>> 8);
            out.write(s.length);
            out.writeBytes(s);
        }
        out.write(pps.size());
        for (byte[] p : pps) {
            out.write(p.length >>> 8);
            out.write(p.length);
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
