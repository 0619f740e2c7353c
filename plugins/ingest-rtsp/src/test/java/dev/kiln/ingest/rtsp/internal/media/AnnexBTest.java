package dev.kiln.ingest.rtsp.internal.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBTest {

    @Test
    void splitsOnThreeAndFourByteStartCodesAndDropsTrailingZeros() {
        byte[] stream = {0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 5};
        List<byte[]> nals = AnnexB.split(stream);
        assertThat(nals).containsExactly(new byte[] {0x67, 1, 2}, new byte[] {0x68, 3}, new byte[] {0x65, 4, 5});
        assertThat(AnnexB.isAnnexB(stream)).isTrue();
        assertThat(AnnexB.isAnnexB(new byte[] {0, 0, 0, 3, 1, 2, 3})).isFalse();
    }

    @Test
    void lengthPrefixingRoundTrips() {
        List<byte[]> nals = List.of(new byte[] {0x67, 1}, new byte[] {0x65, 2, 3, 4});
        byte[] prefixed = AnnexB.lengthPrefixed(nals);
        assertThat(prefixed).containsExactly(0, 0, 0, 2, 0x67, 1, 0, 0, 0, 4, 0x65, 2, 3, 4);
        assertThat(AnnexB.splitLengthPrefixed(prefixed)).containsExactlyElementsOf(nals);
        assertThat(AnnexB.splitLengthPrefixed(new byte[] {0, 0, 0, 9, 1})).isNull();
        assertThat(AnnexB.splitLengthPrefixed(new byte[] {0, 0, 0, 1, 1, 7})).isNull();
    }
}
