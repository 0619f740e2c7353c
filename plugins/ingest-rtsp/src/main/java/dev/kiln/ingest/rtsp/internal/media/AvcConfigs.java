package dev.kiln.ingest.rtsp.internal.media;

import java.io.ByteArrayOutputStream;
import java.util.List;

/** Builds AVCDecoderConfigurationRecords (ISO/IEC 14496-15, 5.3.3) from parameter sets. */
public final class AvcConfigs {
    private AvcConfigs() {}

    /**
     * The record for these SPS and PPS NAL units (header byte included), announcing 4-byte NAL
     * lengths. Profile, compatibility and level come from the first SPS.
     */
    public static byte[] record(List<byte[]> sps, List<byte[]> pps) {
        if (sps.isEmpty() || pps.isEmpty() || sps.get(0).length < 4) {
            throw new IllegalArgumentException("an AVC configuration record needs an SPS and a PPS");
        }
        byte[] first = sps.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(first[1]); // AVCProfileIndication
        out.write(first[2]); // profile_compatibility
        out.write(first[3]); // AVCLevelIndication
        out.write(0xFC | 3); // reserved + lengthSizeMinusOne
        out.write(0xE0 | Math.min(sps.size(), 31));
        for (int i = 0; i < Math.min(sps.size(), 31); i++) {
            writeNal(out, sps.get(i));
        }
        out.write(Math.min(pps.size(), 255));
        for (int i = 0; i < Math.min(pps.size(), 255); i++) {
            writeNal(out, pps.get(i));
        }
        return out.toByteArray();
    }

    static void writeNal(ByteArrayOutputStream out, byte[] nal) {
        out.write(nal.length >>> 8);
        out.write(nal.length);
        out.writeBytes(nal);
    }
}
