package dev.kiln.publish.llhls.internal.fmp4;

import java.util.List;

/**
 * One CMAF chunk: optional {@code emsg} boxes, then {@code moof} (mfhd, traf with tfhd, tfdt
 * and trun) and {@code mdat}. The sample data is copied once, into the chunk's array.
 */
public final class Fragment {
    private static final int SYNC = 0x02000000;
    private static final int NON_SYNC = 0x01010000;

    private Fragment() {}

    /**
     * @param sequence the moof sequence number (1, 2, … over the track's life)
     * @param samples  at least one, in decoding order and contiguous
     * @param emsgs    emsg boxes (each a whole box) to put before the moof
     */
    public static byte[] of(long sequence, List<Sample> samples, List<byte[]> emsgs) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a fragment needs at least one sample");
        }
        int dataSize = 0;
        for (Sample s : samples) {
            dataSize += s.data().length;
        }
        int emsgSize = 0;
        for (byte[] e : emsgs) {
            emsgSize += e.length;
        }
        BoxWriter w = new BoxWriter(emsgSize + 128 + 16 * samples.size() + dataSize);
        for (byte[] e : emsgs) {
            w.bytes(e);
        }
        int moofStart = w.position();
        w.start("moof");
        w.startFull("mfhd", 0, 0).u32(sequence).end();
        w.start("traf");
        w.startFull("tfhd", 0, 0x020000).u32(InitSegment.TRACK_ID).end();
        w.startFull("tfdt", 1, 0).u64(samples.get(0).dts()).end();
        w.startFull("trun", 1, 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800).u32(samples.size());
        int dataOffsetAt = w.position();
        w.u32(0);
        for (Sample s : samples) {
            w.u32(s.duration()).u32(s.data().length).u32(s.keyframe() ? SYNC : NON_SYNC)
                    .u32(Integer.toUnsignedLong(s.cts()));
        }
        w.end(); // trun
        w.end(); // traf
        w.end(); // moof
        int moofSize = w.position() - moofStart;
        w.patch32(dataOffsetAt, moofSize + 8L);
        w.u32(8L + dataSize).fourcc("mdat");
        for (Sample s : samples) {
            w.bytes(s.data());
        }
        return w.toByteArray();
    }
}
