package dev.kiln.recorder.internal.mux.ts;

import java.util.Arrays;
import java.util.List;

/**
 * The program tables of a one-program transport stream, each built once per file as a whole
 * 188-byte packet: only the continuity counter (in the packet header, outside the CRC) changes
 * between repetitions.
 */
final class Psi {
    static final int PAT_PID = 0;
    static final int PMT_PID = 0x1000;
    private static final int PROGRAM = 1;

    private Psi() {
    }

    /** The PAT: program 1 at {@link #PMT_PID}. */
    static byte[] pat() {
        byte[] s = new byte[12];
        int p = 0;
        s[p++] = 0x00; // table id
        p = skipLength(p);
        s[p++] = 0;
        s[p++] = 1; // transport stream id 1
        s[p++] = (byte) 0xC1; // version 0, current
        s[p++] = 0;
        s[p++] = 0;
        s[p++] = 0;
        s[p++] = PROGRAM;
        s[p++] = (byte) (0xE0 | PMT_PID >> 8);
        s[p++] = (byte) PMT_PID;
        return packet(PAT_PID, section(s, p));
    }

    /** The PMT of program 1: the PCR PID and one entry per elementary stream. */
    static byte[] pmt(int pcrPid, List<EsTrack> tracks) {
        int size = 12;
        for (EsTrack t : tracks) {
            size += 5 + t.descriptors.length;
        }
        byte[] s = new byte[size];
        int p = 0;
        s[p++] = 0x02; // table id
        p = skipLength(p);
        s[p++] = 0;
        s[p++] = PROGRAM;
        s[p++] = (byte) 0xC1;
        s[p++] = 0;
        s[p++] = 0;
        s[p++] = (byte) (0xE0 | pcrPid >> 8);
        s[p++] = (byte) pcrPid;
        s[p++] = (byte) 0xF0; // no program descriptors
        s[p++] = 0;
        for (EsTrack t : tracks) {
            s[p++] = (byte) t.streamType;
            s[p++] = (byte) (0xE0 | t.pid >> 8);
            s[p++] = (byte) t.pid;
            s[p++] = (byte) (0xF0 | t.descriptors.length >> 8);
            s[p++] = (byte) t.descriptors.length;
            System.arraycopy(t.descriptors, 0, s, p, t.descriptors.length);
            p += t.descriptors.length;
        }
        if (p + 4 + 5 > TsPackets.SIZE) {
            throw new IllegalArgumentException("too many streams for one PMT packet");
        }
        return packet(PMT_PID, section(s, p));
    }

    private static int skipLength(int p) {
        return p + 2;
    }

    /** Fills in the section length (syntax indicator set) and appends the CRC. */
    private static byte[] section(byte[] s, int end) {
        int length = end - 3 + 4;
        s[1] = (byte) (0xB0 | length >> 8);
        s[2] = (byte) length;
        byte[] out = Arrays.copyOf(s, end + 4);
        int crc = crc32(out, end);
        out[end] = (byte) (crc >>> 24);
        out[end + 1] = (byte) (crc >>> 16);
        out[end + 2] = (byte) (crc >>> 8);
        out[end + 3] = (byte) crc;
        return out;
    }

    /** A packet starting a section (pointer field 0), padded with 0xFF; counter 0. */
    private static byte[] packet(int pid, byte[] section) {
        byte[] packet = new byte[TsPackets.SIZE];
        Arrays.fill(packet, (byte) 0xFF);
        packet[0] = TsPackets.SYNC;
        packet[1] = (byte) (0x40 | pid >> 8);
        packet[2] = (byte) pid;
        packet[3] = 0x10; // payload only
        packet[4] = 0; // pointer field
        System.arraycopy(section, 0, packet, 5, section.length);
        return packet;
    }

    /** CRC-32 as MPEG-2 sections use it: polynomial 0x04C11DB7, MSB first, initial all ones. */
    static int crc32(byte[] data, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = 0; i < length; i++) {
            crc ^= (data[i] & 0xFF) << 24;
            for (int k = 0; k < 8; k++) {
                crc = crc < 0 ? crc << 1 ^ 0x04C11DB7 : crc << 1;
            }
        }
        return crc;
    }
}
