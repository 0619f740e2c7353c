package dev.kiln.codec.internal.av;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NalUnitsTest {
    @Test
    void annexBBecomesLengthPrefixed() {
        byte[] annexB = {0, 0, 0, 1, 0x65, 1, 2, 0, 0, 1, 0x41, 3};
        assertThat(NalUnits.toAvcc(annexB)).containsExactly(0, 0, 0, 3, 0x65, 1, 2, 0, 0, 0, 2, 0x41, 3);
    }

    @Test
    void spsAndPpsBecomeAnAvcCRecord() {
        byte[] extra = {0, 0, 0, 1, 0x67, 0x64, 0, 0x1f, 9, 0, 0, 0, 1, 0x68, 7};
        assertThat(NalUnits.avcC(extra)).containsExactly(1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 5, 0x67, 0x64, 0, 0x1f, 9,
                1, 0, 2, 0x68, 7);
    }

    /** Parameter sets as libx265 writes them for 320x180 Main (level 2), 8-bit 4:2:0. */
    private static final int[] VPS = {0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x01, 0x60, 0, 0, 3, 0, 0x90, 0, 0, 3, 0, 0,
            3, 0, 0x3c, 0x95, 0x98, 0x09};
    private static final int[] SPS = {0x42, 0x01, 0x01, 0x01, 0x60, 0, 0, 3, 0, 0x90, 0, 0, 3, 0, 0, 3, 0, 0x3c, 0xa0,
            0x0a, 0x08, 0x0b, 0x9f, 0x79, 0x65, 0x66, 0x92, 0x4c, 0xaf, 0x01, 0x68, 0x08, 0, 0, 3, 0, 0x08, 0, 0, 3, 0,
            0xf0, 0x40};
    private static final int[] PPS = {0x44, 0x01, 0xc1, 0x72, 0xb4, 0x62, 0x40};
    private static final int[] SEI = {0x4e, 0x01, 0x05, 0x04, 1, 2, 3, 4};

    @Test
    void vpsSpsAndPpsBecomeAnHvcCRecord() {
        java.io.ByteArrayOutputStream extra = new java.io.ByteArrayOutputStream();
        for (int[] nal : new int[][] {VPS, SPS, PPS, SEI}) {
            extra.writeBytes(new byte[] {0, 0, 0, 1});
            extra.writeBytes(bytes(nal));
        }
        byte[] hvcc = NalUnits.hvcC(extra.toByteArray());
        java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
        want.writeBytes(bytes(new int[] {
            1, // configurationVersion
            0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x3c, // Main, compatibility, constraints, level 2
            0xf0, 0x00, 0xfc, 0xfd /* 4:2:0 */, 0xf8, 0xf8 /* 8 bits */, 0, 0,
            0x0f, // one temporal layer, nested, 4-byte lengths
            3}));
        for (int[] nal : new int[][] {VPS, SPS, PPS}) {
            want.writeBytes(new byte[] {(byte) (0x80 | ((nal[0] >>> 1) & 0x3f)), 0, 1, 0, (byte) nal.length});
            want.writeBytes(bytes(nal));
        }
        assertThat(hvcc).as("the SEI is left out").containsExactly(want.toByteArray());
        assertThat(NalUnits.hvcC(hvcc)).as("an hvcC stays as it is").isEqualTo(hvcc);
    }

    @Test
    void hvcCNeedsEveryParameterSet() {
        byte[] noVps = new byte[4 + SPS.length + 4 + PPS.length];
        System.arraycopy(new byte[] {0, 0, 0, 1}, 0, noVps, 0, 4);
        System.arraycopy(bytes(SPS), 0, noVps, 4, SPS.length);
        System.arraycopy(new byte[] {0, 0, 0, 1}, 0, noVps, 4 + SPS.length, 4);
        System.arraycopy(bytes(PPS), 0, noVps, 8 + SPS.length, PPS.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NalUnits.hvcC(noVps))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VPS");
    }

    private static byte[] bytes(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
