package dev.kiln.ingest.rtsp.internal.media;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** Builds HEVCDecoderConfigurationRecords (ISO/IEC 14496-15, 8.3.3) from parameter sets. */
public final class HevcConfigs {
    static final int NAL_VPS = 32;
    static final int NAL_SPS = 33;
    static final int NAL_PPS = 34;
    private static final int MAIN_10 = 2;

    private HevcConfigs() {}

    /**
     * The record for these VPS, SPS and PPS NAL units (two-byte header included), announcing
     * 4-byte NAL lengths. The general profile, tier, level and flags are copied from the first
     * SPS's profile_tier_level; the chroma format is the SPS's; the bit depth follows the profile
     * (10 for Main 10, else 8).
     *
     * @param chromaFormatIdc the SPS's chroma_format_idc
     */
    public static byte[] record(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps, int chromaFormatIdc) {
        if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
            throw new IllegalArgumentException("an HEVC configuration record needs a VPS, an SPS and a PPS");
        }
        // After the NAL header: vps_id(4) max_sub_layers_minus1(3) temporal_id_nesting(1), then the
        // 12 bytes of the general profile_tier_level, all byte-aligned.
        byte[] rbsp = unescape(sps.get(0), 2, Math.min(sps.get(0).length, 2 + 40));
        if (rbsp.length < 13) {
            throw new IllegalArgumentException("truncated HEVC SPS");
        }
        int maxSubLayersMinus1 = (rbsp[0] >>> 1) & 0x07;
        int temporalIdNesting = rbsp[0] & 0x01;
        int profileIdc = rbsp[1] & 0x1F;
        int bitDepthMinus8 = profileIdc == MAIN_10 ? 2 : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(rbsp, 1, 12); // profile space, tier, profile, compatibility, constraints, level
        out.write(0xF0); // reserved + min_spatial_segmentation_idc (0)
        out.write(0x00);
        out.write(0xFC); // reserved + parallelismType (unknown)
        out.write(0xFC | (chromaFormatIdc & 0x03));
        out.write(0xF8 | bitDepthMinus8);
        out.write(0xF8 | bitDepthMinus8);
        out.write(0); // avgFrameRate (unknown)
        out.write(0);
        out.write(((maxSubLayersMinus1 + 1) << 3) | (temporalIdNesting << 2) | 3);
        out.write(3); // numOfArrays
        writeArray(out, NAL_VPS, vps);
        writeArray(out, NAL_SPS, sps);
        writeArray(out, NAL_PPS, pps);
        return out.toByteArray();
    }

    private static void writeArray(ByteArrayOutputStream out, int type, List<byte[]> nals) {
        out.write(0x80 | type); // array_completeness = 1
        out.write(nals.size() >>> 8);
        out.write(nals.size());
        for (byte[] nal : nals) {
            AvcConfigs.writeNal(out, nal);
        }
    }

    /** Removes emulation prevention bytes ({@code 00 00 03} → {@code 00 00}) from nal[from, to). */
    static byte[] unescape(byte[] nal, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int zeros = 0;
        for (int i = from; i < to; i++) {
            int b = nal[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }
}
