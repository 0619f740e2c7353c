package dev.kiln.codec.internal.av;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 and H.265 bitstream layouts: encoders emit Annex B (start codes), Kiln tracks carry
 * 4-byte NAL lengths with an AVCDecoderConfigurationRecord (avcC) or an
 * HEVCDecoderConfigurationRecord (hvcC, ISO/IEC 14496-15 8.3.3) as the track config, like the
 * ingest bundles make them.
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

    /** Annex B to 4-byte length prefixes (AVCC, also H.265's); such input is returned as it is. */
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

    private static final int HEVC_VPS = 32;
    private static final int HEVC_SPS = 33;
    private static final int HEVC_PPS = 34;

    /**
     * An hvcC record (4-byte NAL lengths) from Annex B extradata holding a VPS, an SPS and a
     * PPS (other NAL units, e.g. SEI, are left out); hvcC input (first byte 1) is returned as
     * it is. Profile, tier, level and flags are copied from the SPS's profile_tier_level; the
     * chroma format and bit depths are read from the SPS.
     *
     * @throws IllegalArgumentException when a parameter set is missing or the SPS is truncated
     */
    public static byte[] hvcC(byte[] extradata) {
        if (extradata.length > 0 && extradata[0] == 1) {
            return extradata;
        }
        List<byte[]> vps = new ArrayList<>();
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : split(extradata)) {
            if (nal.length < 2) {
                continue;
            }
            switch ((nal[0] >>> 1) & 0x3f) {
                case HEVC_VPS -> vps.add(nal);
                case HEVC_SPS -> sps.add(nal);
                case HEVC_PPS -> pps.add(nal);
                default -> { }
            }
        }
        if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
            throw new IllegalArgumentException("H.265 extradata without VPS/SPS/PPS");
        }
        byte[] rbsp = unescape(sps.get(0), 2);
        if (rbsp.length < 13) {
            throw new IllegalArgumentException("H.265 SPS of " + sps.get(0).length + " bytes");
        }
        Bits r = new Bits(rbsp);
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.read(3);
        int temporalIdNesting = r.read(1);
        r.skip(96); // general profile_tier_level: copied as it is below
        int[] subLayerBits = new int[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            subLayerBits[i] = (r.read(1) == 1 ? 88 : 0) + (r.read(1) == 1 ? 8 : 0);
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1));
        }
        for (int bits : subLayerBits) {
            r.skip(bits);
        }
        r.ue(); // sps_seq_parameter_set_id
        int chroma = r.ue();
        if (chroma == 3) {
            r.skip(1); // separate_colour_plane_flag
        }
        r.ue(); // pic_width_in_luma_samples
        r.ue(); // pic_height_in_luma_samples
        if (r.read(1) == 1) { // conformance_window_flag
            r.ue();
            r.ue();
            r.ue();
            r.ue();
        }
        int lumaDepthMinus8 = r.ue();
        int chromaDepthMinus8 = r.ue();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(rbsp, 1, 12); // profile space, tier, profile, compatibility, constraints, level
        out.write(0xf0); // reserved + min_spatial_segmentation_idc = 0
        out.write(0x00);
        out.write(0xfc); // reserved + parallelismType = 0 (unknown)
        out.write(0xfc | (chroma & 3));
        out.write(0xf8 | (lumaDepthMinus8 & 7));
        out.write(0xf8 | (chromaDepthMinus8 & 7));
        out.write(0); // avgFrameRate = 0 (unknown)
        out.write(0);
        // constantFrameRate = 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne = 3
        out.write(((maxSubLayersMinus1 + 1) & 7) << 3 | temporalIdNesting << 2 | 3);
        out.write(3); // numOfArrays
        writeArray(out, HEVC_VPS, vps);
        writeArray(out, HEVC_SPS, sps);
        writeArray(out, HEVC_PPS, pps);
        return out.toByteArray();
    }

    private static void writeArray(ByteArrayOutputStream out, int type, List<byte[]> nals) {
        out.write(0x80 | type); // array_completeness = 1: all sets of this type are here
        out.write(nals.size() >>> 8);
        out.write(nals.size());
        for (byte[] nal : nals) {
            out.write(nal.length >>> 8);
            out.write(nal.length);
            out.writeBytes(nal);
        }
    }

    /** The RBSP of a NAL unit from {@code from} on: emulation prevention bytes (00 00 03) removed. */
    static byte[] unescape(byte[] nal, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(nal.length);
        int zeros = 0;
        for (int i = from; i < nal.length; i++) {
            int b = nal[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }

    /** MSB-first bit reader over an RBSP, with Exp-Golomb codes. */
    private static final class Bits {
        private final byte[] data;
        private long pos;

        Bits(byte[] data) {
            this.data = data;
        }

        int read(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                if (pos >= 8L * data.length) {
                    throw new IllegalArgumentException("H.265 SPS is truncated");
                }
                int bit = (data[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1;
                v = (v << 1) | bit;
                pos++;
            }
            return v;
        }

        void skip(long n) {
            pos += n;
        }

        int ue() {
            int zeros = 0;
            while (read(1) == 0) {
                if (++zeros > 31) {
                    throw new IllegalArgumentException("H.265 SPS has a bad Exp-Golomb code");
                }
            }
            return (int) ((1L << zeros) - 1 + (zeros == 0 ? 0 : read(zeros)));
        }
    }
}
