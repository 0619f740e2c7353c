package dev.kiln.recorder.internal.mux.ts;

import dev.kiln.api.media.Track;
import dev.kiln.recorder.internal.mux.ContainerWriter;
import dev.kiln.recorder.internal.mux.MuxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes MPEG-TS in Java: one program (PMT on PID 0x1000), one PID per track from 0x100, one
 * PES per frame, timestamps rescaled to the 90 kHz clock as they come (a file starts near 0). The PAT and PMT open
 * the file and are repeated before every video key frame (every 100 ms when there is no
 * video). The PCR ({@link #PCR_DELAY} behind the DTS) rides on the first video track (else the
 * first track) in the adaptation field of each of its frames; when another track's time runs
 * 40 ms past the last PCR, a packet of its own carries the last PCR plus 40 ms. Transport packets gather in one direct buffer that is written to the file
 * when full and at least once a second of media, never synced: the file only grows, so what
 * reached the disk before a crash stays playable.
 *
 * <p>Handles H.264, H.265, AAC (ADTS-describable) and Opus (mono/stereo); {@link #supports}
 * says whether a track list can be written. Not thread-safe: one writer, one thread at a time.
 */
public final class TsWriter implements ContainerWriter {
    static final long CLOCK = 90_000;
    /** How far the PCR runs behind the DTS of the frame that carries it (never below 0). */
    private static final long PCR_DELAY = 9_000;
    private static final long PCR_PERIOD = 3_600;
    /** Audio-only: tables at the first frame 80 ms past the last ones, so at most ~100 ms apart. */
    private static final long TABLE_PERIOD = 7_200;
    private static final long FLUSH_PERIOD = CLOCK;
    private static final long MASK_33 = (1L << 33) - 1;
    private static final int PACKETS_PER_WRITE = 512; // 94 KiB
    private static final int HEADER_ROOM = 19; // the longest PES header: PTS and DTS
    private static final int PAT_SLOT = 0;
    private static final int PMT_SLOT = 1;
    private static final int FIRST_PID = 0x100;

    private final Path file;
    private final FileChannel channel;
    private final TsPackets packets;
    private final EsTrack[] tracks;
    private final EsTrack pcrTrack;
    private final int pcrSlot;
    private final boolean hasVideo;
    private final byte[] pat;
    private final byte[] pmt;
    private byte[] pes = new byte[64 * 1024];
    private long lastPcr = -1;
    private long lastTables;
    private long lastFlush;
    private boolean closed;

    private TsWriter(Path file, FileChannel channel, EsTrack[] tracks) {
        this.file = file;
        this.channel = channel;
        this.tracks = tracks;
        this.packets = new TsPackets(file, channel, PACKETS_PER_WRITE, 2 + tracks.length);
        int pcr = 0;
        boolean video = false;
        for (int i = tracks.length - 1; i >= 0; i--) {
            if (tracks[i].video) {
                pcr = i;
                video = true;
            }
        }
        this.pcrTrack = tracks[pcr];
        this.pcrSlot = 2 + pcr;
        this.hasVideo = video;
        this.pat = Psi.pat();
        this.pmt = Psi.pmt(pcrTrack.pid, List.of(tracks));
        writeTables(0);
    }

    /** Whether every track has a TS mapping here (else the FFmpeg writer takes the file). */
    public static boolean supports(List<Track> tracks) {
        return !tracks.isEmpty() && describe(tracks) != null;
    }

    /**
     * Creates (or truncates) {@code file} and writes the first PAT and PMT into the buffer.
     *
     * @throws MuxException when a track has no mapping or the file cannot be created
     */
    public static TsWriter open(Path file, List<Track> tracks) {
        EsTrack[] es = tracks.isEmpty() ? null : describe(tracks);
        if (es == null) {
            throw new MuxException("Cannot record " + tracks + " into " + file + " as MPEG-TS");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new MuxException("Cannot create " + file + ": " + e);
        }
        return new TsWriter(file, channel, es);
    }

    private static EsTrack[] describe(List<Track> tracks) {
        List<EsTrack> out = new ArrayList<>();
        int video = 0;
        int audio = 0;
        for (int i = 0; i < tracks.size(); i++) {
            Track t = tracks.get(i);
            int pid = FIRST_PID + i;
            EsTrack es = switch (t.codec()) {
                case H264, H265 -> video < 16 ? NalTrack.of(t, pid, 0xE0 + video++) : null;
                case AAC -> audio < 32 ? AdtsTrack.of(t, pid, 0xC0 + audio++) : null;
                case OPUS -> OpusTrack.of(t, pid);
                default -> null;
            };
            if (es == null) {
                return null;
            }
            out.add(es);
        }
        int pmtBytes = 5 + 12 + 4;
        for (EsTrack t : out) {
            pmtBytes += 5 + t.descriptors.length;
        }
        return pmtBytes <= TsPackets.SIZE - 4 ? out.toArray(EsTrack[]::new) : null;
    }

    @Override
    public void write(int track, long pts, long dts, boolean keyframe, ByteBuffer data) {
        if (closed) {
            throw new MuxException(file + " is closed");
        }
        EsTrack t = tracks[track];
        if (dts <= t.lastDts || dts < 0) {
            return; // a decoding time that does not increase
        }
        t.lastDts = dts;
        long dts90 = t.ticks(dts);
        long pts90 = t.ticks(Math.max(pts, dts));
        int need = HEADER_ROOM + t.maxPayload(data.remaining());
        if (pes.length < need) {
            pes = new byte[Math.max(need, pes.length * 2)];
        }
        int end = t.payload(data, keyframe, pes, HEADER_ROOM);
        if (end < 0) {
            return;
        }
        boolean key = t.video ? keyframe : !hasVideo;
        if (t.video ? keyframe : !hasVideo && dts90 - lastTables >= TABLE_PERIOD) {
            writeTables(dts90);
        }
        boolean withPcr = t == pcrTrack;
        long pcr = Math.max(lastPcr, Math.max(0, dts90 - PCR_DELAY));
        if (withPcr) {
            lastPcr = pcr;
        } else if (pcr - lastPcr >= PCR_PERIOD) {
            // the PCR track is quiet (or behind): one step of PCR_PERIOD, so that consecutive
            // PCRs stay at most 40 ms apart unless the PCR track itself jumps
            lastPcr = lastPcr < 0 ? pcr : lastPcr + PCR_PERIOD;
            packets.pcrOnly(pcrTrack.pid, pcrSlot, lastPcr & MASK_33);
        }
        int start = header(t.streamId, pts90, dts90, end - HEADER_ROOM, t.video);
        packets.pes(t.pid, 2 + track, pes, start, end - start, withPcr, pcr & MASK_33, key);
        if (dts90 - lastFlush >= FLUSH_PERIOD) {
            lastFlush = dts90;
            packets.flush();
        }
    }

    /** Writes the PES header just before {@link #HEADER_ROOM}; returns where it starts. */
    private int header(int streamId, long pts90, long dts90, int payload, boolean video) {
        boolean both = pts90 != dts90;
        int fields = both ? 10 : 5;
        int start = HEADER_ROOM - 9 - fields;
        int length = 3 + fields + payload;
        if (length > 0xFFFF) {
            length = 0; // unbounded: allowed for video; an audio frame this large is not real
        }
        byte[] b = pes;
        b[start] = 0;
        b[start + 1] = 0;
        b[start + 2] = 1;
        b[start + 3] = (byte) streamId;
        b[start + 4] = (byte) (length >> 8);
        b[start + 5] = (byte) length;
        b[start + 6] = (byte) 0x84; // data aligned: each PES starts an access unit
        b[start + 7] = (byte) (both ? 0xC0 : 0x80);
        b[start + 8] = (byte) fields;
        timestamp(b, start + 9, both ? 3 : 2, pts90);
        if (both) {
            timestamp(b, start + 14, 1, dts90);
        }
        return start;
    }

    private static void timestamp(byte[] b, int p, int prefix, long t) {
        t &= MASK_33;
        b[p] = (byte) (prefix << 4 | (int) (t >> 29) & 0x0E | 1);
        b[p + 1] = (byte) (t >> 22);
        b[p + 2] = (byte) ((t >> 14) & 0xFE | 1);
        b[p + 3] = (byte) (t >> 7);
        b[p + 4] = (byte) ((t << 1) & 0xFE | 1);
    }

    private void writeTables(long now) {
        lastTables = now;
        packets.table(pat, PAT_SLOT);
        packets.table(pmt, PMT_SLOT);
    }

    @Override
    public long bytes() {
        return packets.bytes();
    }

    /** Writes what is buffered and closes the file (no sync to the disk). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            packets.flush();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                throw new MuxException("Cannot close " + file + ": " + e);
            }
        }
    }
}
