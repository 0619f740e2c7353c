package dev.kiln.publish.llhls.internal.fmp4;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import java.util.Locale;
import java.util.Optional;

/**
 * How one track is packaged: its fMP4 timescale and its RFC 6381 codec string. Only codecs
 * CMAF players take from this packager are accepted: H.264, H.265, AAC and Opus.
 *
 * @param track     the kernel's track
 * @param timescale the media timescale in the init segment (90 kHz video, the sample rate for
 *                  AAC, 48 kHz for Opus whatever its input rate)
 * @param codecs    the CODECS attribute value, e.g. {@code avc1.64001f}, {@code mp4a.40.2}, {@code opus}
 */
public record TrackFormat(Track track, int timescale, String codecs) {
    /** Opus in ISO BMFF is timed at 48 kHz, the rate its decoder outputs. */
    public static final int OPUS_TIMESCALE = 48_000;

    /** The format of a track, or empty when its codec or configuration cannot be packaged. */
    public static Optional<TrackFormat> of(Track t) {
        byte[] c = t.config();
        switch (t.codec()) {
            case H264:
                if (c.length < 7 || c[0] != 1) {
                    return Optional.empty();
                }
                return Optional.of(new TrackFormat(t, 90_000,
                        String.format(Locale.ROOT, "avc1.%02x%02x%02x", c[1] & 0xFF, c[2] & 0xFF, c[3] & 0xFF)));
            case H265:
                if (c.length < 23 || c[0] != 1) {
                    return Optional.empty();
                }
                return Optional.of(new TrackFormat(t, 90_000, hevcCodecs(c)));
            case AAC:
                if (c.length < 2 || t.sampleRate() <= 0) {
                    return Optional.empty();
                }
                int aot = (c[0] & 0xFF) >>> 3;
                return Optional.of(new TrackFormat(t, t.sampleRate(), "mp4a.40." + aot));
            case OPUS:
                return OpusConfig.of(t).map(o -> new TrackFormat(t, OPUS_TIMESCALE, "opus"));
            default:
                return Optional.empty();
        }
    }

    public boolean isVideo() {
        return track.type() == MediaType.VIDEO;
    }

    public Codec codec() {
        return track.codec();
    }

    /** "video" or "audio", as the file names carry it. */
    public String kind() {
        return isVideo() ? "video" : "audio";
    }

    /** hvc1.{space}{profile}.{compat}.{tier}{level}[.{constraints}] from an HEVCDecoderConfigurationRecord. */
    static String hevcCodecs(byte[] c) {
        int space = (c[1] & 0xC0) >>> 6;
        boolean highTier = (c[1] & 0x20) != 0;
        int profile = c[1] & 0x1F;
        long compat = ((c[2] & 0xFFL) << 24) | ((c[3] & 0xFFL) << 16) | ((c[4] & 0xFFL) << 8) | (c[5] & 0xFFL);
        long reversed = Integer.toUnsignedLong(Integer.reverse((int) compat));
        int level = c[12] & 0xFF;
        StringBuilder s = new StringBuilder("hvc1.");
        if (space > 0) {
            s.append((char) ('A' + space - 1));
        }
        s.append(profile).append('.').append(Long.toHexString(reversed).toUpperCase(Locale.ROOT))
                .append('.').append(highTier ? 'H' : 'L').append(level);
        int last = 11;
        while (last >= 6 && c[last] == 0) {
            last--;
        }
        for (int i = 6; i <= last; i++) {
            s.append('.').append(Integer.toHexString(c[i] & 0xFF).toUpperCase(Locale.ROOT));
        }
        return s.toString();
    }
}
