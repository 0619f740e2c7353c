package dev.kiln.publish.llhls.internal.fmp4;

/** A version 1 {@code emsg} box carrying an ID3 tag (scheme {@value #ID3_SCHEME}). */
public final class Emsg {
    public static final String ID3_SCHEME = "https://aomedia.org/emsg/ID3";

    private Emsg() {}

    /**
     * @param timescale        units of {@code presentationTime}
     * @param presentationTime when the event applies, on the track's media timeline
     * @param id               the event's id
     * @param id3              the ID3 tag
     */
    public static byte[] id3(int timescale, long presentationTime, long id, byte[] id3) {
        BoxWriter w = new BoxWriter(64 + id3.length);
        w.startFull("emsg", 1, 0).u32(timescale).u64(presentationTime).u32(0xFFFFFFFFL).u32(id)
                .cstring(ID3_SCHEME).cstring("").bytes(id3).end();
        return w.toByteArray();
    }
}
