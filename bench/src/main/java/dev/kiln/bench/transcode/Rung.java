package dev.kiln.bench.transcode;

import java.util.List;

/** One video rendition of the ladder: name, size and bit rate (bit/s). */
record Rung(String name, int width, int height, int bitrate) {

    /** The ladder from a 1080p30 source: 720p, 480p and 360p. */
    static final List<Rung> LADDER = List.of(
            new Rung("v720", 1280, 720, 3_000_000),
            new Rung("v480", 854, 480, 1_500_000),
            new Rung("v360", 640, 360, 800_000));

    /** The single rendition of the real-time count (720p source). */
    static final Rung SMALL = new Rung("v360", 640, 360, 800_000);

    /** This rung as an output-profile video encode (x264 {@code preset}, key frame every 2 s). */
    String encodeJson(String preset) {
        return "{\"name\":\"" + name + "\",\"codec\":\"h264\",\"width\":" + width + ",\"height\":" + height
                + ",\"bitrate\":" + bitrate + ",\"preset\":\"" + preset + "\",\"keyFrameInterval\":60}";
    }
}
