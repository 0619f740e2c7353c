package dev.kiln.publish.llhls.internal.fmp4;

import dev.kiln.api.media.Track;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Opus decoder configuration of a track: read from its OpusHead (RFC 7845 section 5.1,
 * little-endian, what FFmpeg's encoders give as extradata) and written as the {@code dOps} box
 * of "Encapsulation of Opus in ISO Base Media File Format" (big-endian, version 0).
 *
 * @param channels        output channel count
 * @param preSkip         samples (at 48 kHz) the decoder drops at the start
 * @param inputSampleRate the encoder's input rate, informative
 * @param outputGain      Q7.8 dB
 * @param mappingFamily   channel mapping family (0: mono or stereo)
 * @param mappingTable    stream count, coupled count and the channel mapping; empty for family 0
 */
record OpusConfig(int channels, int preSkip, long inputSampleRate, int outputGain, int mappingFamily,
                  byte[] mappingTable) {
    private static final int HEAD_SIZE = 19;

    /** The configuration of an Opus track, or empty when it has no well-formed OpusHead. */
    static Optional<OpusConfig> of(Track t) {
        byte[] c = t.config();
        if (c.length < HEAD_SIZE || !"OpusHead".equals(new String(c, 0, 8, StandardCharsets.ISO_8859_1))
                || (c[8] & 0xF0) != 0) {
            return Optional.empty(); // not an OpusHead, or a major version this does not know
        }
        int channels = c[9] & 0xFF;
        int preSkip = (c[10] & 0xFF) | (c[11] & 0xFF) << 8;
        long rate = (c[12] & 0xFFL) | (c[13] & 0xFFL) << 8 | (c[14] & 0xFFL) << 16 | (c[15] & 0xFFL) << 24;
        int gain = (short) ((c[16] & 0xFF) | (c[17] & 0xFF) << 8);
        int family = c[18] & 0xFF;
        if (channels == 0 || family == 0 && channels > 2) {
            return Optional.empty();
        }
        byte[] table = new byte[0];
        if (family != 0) {
            if (c.length < HEAD_SIZE + 2 + channels) {
                return Optional.empty();
            }
            table = Arrays.copyOfRange(c, HEAD_SIZE, HEAD_SIZE + 2 + channels);
        }
        return Optional.of(new OpusConfig(channels, preSkip, rate, gain, family, table));
    }

    /** The {@code dOps} box (a plain box, not a full box). */
    void write(BoxWriter w) {
        w.start("dOps").u8(0).u8(channels).u16(preSkip).u32(inputSampleRate).u16(outputGain & 0xFFFF)
                .u8(mappingFamily).bytes(mappingTable).end();
    }
}
