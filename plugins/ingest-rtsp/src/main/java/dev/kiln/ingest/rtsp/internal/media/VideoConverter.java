package dev.kiln.ingest.rtsp.internal.media;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AvcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.AvcSps;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import dev.kiln.rtmp.protocol.flv.HevcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.HevcSps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An H.264 or H.265 stream: parameter sets from the SDP (Annex B or a configuration record) and
 * from the packets themselves, a configuration record rebuilt whenever they change, and Annex B
 * access units turned into 4-byte length-prefixed NAL units (access unit delimiters dropped).
 */
final class VideoConverter implements TrackConverter {
    /** Video tracks count in 90 kHz units, as RTP video does. */
    static final int TIMESCALE = 90_000;

    enum Kind { H264, H265 }

    private final int trackId;
    private final Kind kind;
    private final int sdpWidth;
    private final int sdpHeight;
    private List<byte[]> vps = List.of();
    private List<byte[]> sps = List.of();
    private List<byte[]> pps = List.of();
    private Track track;
    private boolean changed;

    VideoConverter(int trackId, Kind kind, SourceStream stream) {
        this.trackId = trackId;
        this.kind = kind;
        this.sdpWidth = stream.width();
        this.sdpHeight = stream.height();
        byte[] extra = stream.extradata();
        if (AnnexB.isAnnexB(extra)) {
            absorb(AnnexB.split(extra));
        } else if (extra.length > 0 && extra[0] == 1) {
            absorbRecord(extra);
        }
    }

    @Override
    public Track track() {
        return track;
    }

    @Override
    public boolean takeChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }

    @Override
    public Frame convert(byte[] data, boolean keyFlag) {
        List<byte[]> nals = AnnexB.isAnnexB(data) ? AnnexB.split(data) : AnnexB.splitLengthPrefixed(data);
        if (nals == null) {
            return null;
        }
        absorb(nals);
        List<byte[]> kept = new ArrayList<>(nals.size());
        boolean key = keyFlag;
        for (byte[] nal : nals) {
            int type = type(nal);
            if (isDelimiter(type)) {
                continue;
            }
            key |= isRandomAccess(type);
            kept.add(nal);
        }
        return kept.isEmpty() ? null : new Frame(AnnexB.lengthPrefixed(kept), key);
    }

    /** Takes the parameter sets among these NAL units; rebuilds the track when they differ. */
    private void absorb(List<byte[]> nals) {
        List<byte[]> newVps = new ArrayList<>();
        List<byte[]> newSps = new ArrayList<>();
        List<byte[]> newPps = new ArrayList<>();
        for (byte[] nal : nals) {
            int type = type(nal);
            if (kind == Kind.H265 && type == HevcConfigs.NAL_VPS) {
                newVps.add(nal);
            } else if (kind == Kind.H264 ? type == 7 : type == HevcConfigs.NAL_SPS) {
                newSps.add(nal);
            } else if (kind == Kind.H264 ? type == 8 : type == HevcConfigs.NAL_PPS) {
                newPps.add(nal);
            }
        }
        boolean update = false;
        if (!newVps.isEmpty() && !same(vps, newVps)) {
            vps = newVps;
            update = true;
        }
        if (!newSps.isEmpty() && !same(sps, newSps)) {
            sps = newSps;
            update = true;
        }
        if (!newPps.isEmpty() && !same(pps, newPps)) {
            pps = newPps;
            update = true;
        }
        if (update) {
            rebuild();
        }
    }

    private void absorbRecord(byte[] record) {
        try {
            if (kind == Kind.H264) {
                AvcDecoderConfig c = AvcDecoderConfig.parse(record);
                sps = c.sps();
                pps = c.pps();
            } else {
                HevcDecoderConfig c = HevcDecoderConfig.parse(record);
                vps = c.vps();
                sps = c.sps();
                pps = c.pps();
            }
            rebuild();
        } catch (FlvParseException e) {
            // Not a usable record: the parameter sets may still come in band.
        }
    }

    private void rebuild() {
        if (sps.isEmpty() || pps.isEmpty() || kind == Kind.H265 && vps.isEmpty()) {
            return;
        }
        Track next;
        try {
            if (kind == Kind.H264) {
                AvcSps s = AvcSps.parse(sps.get(0));
                next = Track.video(trackId, Codec.H264, TIMESCALE, size(s.width(), sdpWidth),
                        size(s.height(), sdpHeight), AvcConfigs.record(sps, pps));
            } else {
                HevcSps s = HevcSps.parse(sps.get(0));
                next = Track.video(trackId, Codec.H265, TIMESCALE, size(s.width(), sdpWidth),
                        size(s.height(), sdpHeight), HevcConfigs.record(vps, sps, pps, s.chromaFormatIdc()));
            }
        } catch (FlvParseException | IllegalArgumentException e) {
            return; // an SPS we cannot read: keep what we had
        }
        if (!next.equals(track)) {
            track = next;
            changed = true;
        }
    }

    private static int size(int fromSps, int fromSdp) {
        return fromSps > 0 ? fromSps : fromSdp;
    }

    private int type(byte[] nal) {
        if (nal.length == 0) {
            return -1;
        }
        return kind == Kind.H264 ? nal[0] & 0x1F : (nal[0] >>> 1) & 0x3F;
    }

    private boolean isDelimiter(int type) {
        return kind == Kind.H264 ? type == 9 : type == 35;
    }

    private boolean isRandomAccess(int type) {
        return kind == Kind.H264 ? type == 5 : type >= 16 && type <= 21;
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
