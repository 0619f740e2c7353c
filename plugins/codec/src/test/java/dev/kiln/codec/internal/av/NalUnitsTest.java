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
}
