package dev.kiln.recorder.internal.mux.ts;

import dev.kiln.recorder.internal.mux.MuxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Cuts PES packets and tables into 188-byte transport packets, straight into one direct buffer
 * that goes to the file when it is full (its size is a whole number of packets) or when asked.
 * Keeps a continuity counter per counter slot. Nothing here allocates after construction, and
 * headers, PCRs and stuffing go in as whole words and runs, not byte by byte: every media byte
 * the recorder writes passes through here.
 */
final class TsPackets {
    static final int SIZE = 188;
    static final byte SYNC = 0x47;
    private static final int PAYLOAD = SIZE - 4;
    private static final int PCR_BYTES = 6;
    private static final byte[] STUFFING = new byte[PAYLOAD];

    static {
        java.util.Arrays.fill(STUFFING, (byte) 0xFF);
    }

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer out;
    private final int[] counters;
    private long flushed;

    TsPackets(Path file, FileChannel channel, int packetsPerWrite, int counterSlots) {
        this.file = file;
        this.channel = channel;
        this.out = ByteBuffer.allocateDirect(packetsPerWrite * SIZE);
        this.counters = new int[counterSlots];
        java.util.Arrays.fill(counters, 15); // the first packet of each PID counts 0
    }

    /** Bytes in the file plus bytes waiting in the buffer. */
    long bytes() {
        return flushed + out.position();
    }

    /** A prepared table packet (see {@link Psi}), with the slot's next continuity counter. */
    void table(byte[] packet, int slot) {
        room();
        int cc = next(slot);
        int start = out.position();
        out.put(packet);
        out.put(start + 3, (byte) (0x10 | cc));
    }

    /** An adaptation-field-only packet carrying a PCR; the continuity counter does not move. */
    void pcrOnly(int pid, int slot, long pcrBase) {
        room();
        out.putInt(header(false, pid, 0x20 | counters[slot]));
        out.put((byte) (PAYLOAD - 1));
        out.put((byte) 0x10);
        pcr(pcrBase);
        out.put(STUFFING, 0, PAYLOAD - 2 - PCR_BYTES);
    }

    /**
     * One PES packet ({@code pes[off..off+len)}, header included) as as many transport packets
     * as it takes; the first one starts the unit and may carry a PCR and the random access flag,
     * the last one is padded with adaptation field stuffing.
     */
    void pes(int pid, int slot, byte[] pes, int off, int len, boolean withPcr, long pcrBase, boolean randomAccess) {
        boolean first = true;
        while (len > 0) {
            room();
            boolean pcr = first && withPcr;
            boolean rai = first && randomAccess;
            int adaptation = pcr ? 2 + PCR_BYTES : rai ? 2 : 0; // bytes incl. the length byte
            if (len < PAYLOAD - adaptation) {
                adaptation = PAYLOAD - len;
            }
            out.putInt(header(first, pid, (adaptation > 0 ? 0x30 : 0x10) | next(slot)));
            if (adaptation > 0) {
                out.put((byte) (adaptation - 1));
                if (adaptation > 1) {
                    out.put((byte) ((rai ? 0x40 : 0) | (pcr ? 0x10 : 0)));
                    if (pcr) {
                        pcr(pcrBase);
                    }
                    out.put(STUFFING, 0, adaptation - 2 - (pcr ? PCR_BYTES : 0));
                }
            }
            int take = PAYLOAD - adaptation;
            out.put(pes, off, take);
            off += take;
            len -= take;
            first = false;
        }
    }

    /** The 4-byte packet header: sync byte, unit start flag, PID, flags and continuity counter. */
    private static int header(boolean unitStart, int pid, int flagsAndCounter) {
        return SYNC << 24 | (unitStart ? 0x40 : 0) << 16 | (pid & 0x1FFF) << 8 | flagsAndCounter;
    }

    /** Writes what the buffer holds to the file (no sync to the disk). */
    void flush() {
        out.flip();
        try {
            while (out.hasRemaining()) {
                flushed += channel.write(out);
            }
        } catch (IOException e) {
            throw new MuxException("Cannot write to " + file + ": " + e.getMessage());
        } finally {
            out.clear();
        }
    }

    private void room() {
        if (!out.hasRemaining()) {
            flush();
        }
    }

    private int next(int slot) {
        int cc = (counters[slot] + 1) & 15;
        counters[slot] = cc;
        return cc;
    }

    private void pcr(long base) {
        // 33-bit base, 6 reserved bits, a 9-bit extension of 0
        out.putInt((int) (base >> 1));
        out.putShort((short) ((base & 1) << 15 | 0x7E00));
    }
}
