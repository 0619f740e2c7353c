package dev.kiln.publish.llhls.internal.fmp4;

import dev.kiln.api.media.Track;

/** The CMAF header of one track: {@code ftyp} and {@code moov} with an empty sample table and {@code mvex}. */
public final class InitSegment {
    /** The one track of every fragment this packager writes. */
    public static final int TRACK_ID = 1;

    private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

    private InitSegment() {}

    public static byte[] of(TrackFormat format) {
        Track t = format.track();
        BoxWriter w = new BoxWriter(1024);
        w.start("ftyp").fourcc("iso6").u32(0).fourcc("iso6").fourcc("cmfc").fourcc("mp41").end();
        w.start("moov");
        w.startFull("mvhd", 0, 0).u32(0).u32(0).u32(1000).u32(0)
                .u32(0x00010000).u16(0x0100).zeros(10);
        matrix(w);
        w.zeros(24).u32(TRACK_ID + 1).end();

        w.start("trak");
        w.startFull("tkhd", 0, 3).u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0).zeros(8)
                .u16(0).u16(0).u16(format.isVideo() ? 0 : 0x0100).u16(0);
        matrix(w);
        w.u32((long) t.width() << 16).u32((long) t.height() << 16).end();
        w.start("mdia");
        w.startFull("mdhd", 0, 0).u32(0).u32(0).u32(format.timescale()).u32(0).u16(0x55C4).u16(0).end();
        w.startFull("hdlr", 0, 0).u32(0).fourcc(format.isVideo() ? "vide" : "soun").zeros(12)
                .cstring(format.isVideo() ? "Kiln video" : "Kiln audio").end();
        w.start("minf");
        if (format.isVideo()) {
            w.startFull("vmhd", 0, 1).zeros(8).end();
        } else {
            w.startFull("smhd", 0, 0).zeros(4).end();
        }
        w.start("dinf").startFull("dref", 0, 0).u32(1).startFull("url ", 0, 1).end().end().end();
        w.start("stbl");
        w.startFull("stsd", 0, 0).u32(1);
        sampleEntry(w, format);
        w.end();
        w.startFull("stts", 0, 0).u32(0).end();
        w.startFull("stsc", 0, 0).u32(0).end();
        w.startFull("stsz", 0, 0).u32(0).u32(0).end();
        w.startFull("stco", 0, 0).u32(0).end();
        w.end(); // stbl
        w.end(); // minf
        w.end(); // mdia
        w.end(); // trak

        w.start("mvex").startFull("trex", 0, 0).u32(TRACK_ID).u32(1).u32(0).u32(0).u32(0).end().end();
        w.end(); // moov
        return w.toByteArray();
    }

    private static void matrix(BoxWriter w) {
        for (int v : UNITY_MATRIX) {
            w.u32(Integer.toUnsignedLong(v));
        }
    }

    private static void sampleEntry(BoxWriter w, TrackFormat format) {
        Track t = format.track();
        switch (t.codec()) {
            case H264, H265 -> {
                w.start(t.codec() == dev.kiln.api.media.Codec.H264 ? "avc1" : "hvc1");
                w.zeros(6).u16(1).zeros(16).u16(t.width()).u16(t.height())
                        .u32(0x00480000).u32(0x00480000).u32(0).u16(1).zeros(32).u16(0x0018).u16(0xFFFF);
                w.start(t.codec() == dev.kiln.api.media.Codec.H264 ? "avcC" : "hvcC").bytes(t.config()).end();
                w.end();
            }
            case AAC -> {
                w.start("mp4a");
                w.zeros(6).u16(1).zeros(8).u16(Math.max(1, t.channels())).u16(16).u16(0).u16(0)
                        .u32((long) Math.min(t.sampleRate(), 65535) << 16);
                esds(w, t.config());
                w.end();
            }
            case OPUS -> {
                OpusConfig opus = OpusConfig.of(t).orElseThrow(() ->
                        new IllegalArgumentException("Opus track without a usable OpusHead: " + t));
                w.start("Opus");
                w.zeros(6).u16(1).zeros(8).u16(opus.channels()).u16(16).u16(0).u16(0)
                        .u32((long) TrackFormat.OPUS_TIMESCALE << 16);
                opus.write(w);
                w.end();
            }
            default -> throw new IllegalArgumentException("cannot package " + t.codec());
        }
    }

    /** An ES descriptor for AAC (MPEG-4 audio, object type 0x40) around the AudioSpecificConfig. */
    private static void esds(BoxWriter w, byte[] asc) {
        w.startFull("esds", 0, 0);
        int decSpecific = 2 + asc.length;
        int decoderConfig = 2 + 13 + decSpecific;
        int sl = 3;
        int es = 3 + decoderConfig + sl;
        w.u8(0x03).u8(es).u16(0).u8(0);
        w.u8(0x04).u8(13 + decSpecific).u8(0x40).u8(0x15).u24(0).u32(0).u32(0);
        w.u8(0x05).u8(asc.length).bytes(asc);
        w.u8(0x06).u8(1).u8(0x02);
        w.end();
    }
}
