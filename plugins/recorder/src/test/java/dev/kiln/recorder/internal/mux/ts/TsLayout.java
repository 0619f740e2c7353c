package dev.kiln.recorder.internal.mux.ts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a transport stream file holds at the packet level, read independently of the writer:
 * continuity counter breaks, PCRs, where the tables are and which PES starts are random
 * access points preceded by a PAT and a PMT.
 */
record TsLayout(int packets, int continuityErrors, List<Long> pcrs, List<Integer> tablePackets,
                int unitStarts, int randomAccessStarts, int randomAccessAfterTables) {

    static TsLayout of(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length % 188 != 0) {
            throw new AssertionError(file + " is " + b.length + " bytes, not whole packets");
        }
        Map<Integer, Integer> last = new HashMap<>();
        int ccErrors = 0;
        List<Long> pcrs = new ArrayList<>();
        List<Integer> tables = new ArrayList<>();
        int starts = 0;
        int rap = 0;
        int rapAfterTables = 0;
        int n = b.length / 188;
        for (int i = 0; i < n; i++) {
            int p = i * 188;
            if (b[p] != 0x47) {
                throw new AssertionError("no sync byte in packet " + i);
            }
            boolean start = (b[p + 1] & 0x40) != 0;
            int pid = (b[p + 1] & 0x1F) << 8 | b[p + 2] & 0xFF;
            int afc = (b[p + 3] >> 4) & 3;
            int cc = b[p + 3] & 15;
            boolean payload = (afc & 1) != 0;
            Integer prev = last.get(pid);
            if (prev != null && cc != (payload ? (prev + 1) & 15 : prev)) {
                ccErrors++;
            }
            last.put(pid, cc);
            boolean rai = false;
            if ((afc & 2) != 0 && (b[p + 4] & 0xFF) > 0) {
                int flags = b[p + 5] & 0xFF;
                rai = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0) {
                    long base = (b[p + 6] & 0xFFL) << 25 | (b[p + 7] & 0xFFL) << 17 | (b[p + 8] & 0xFFL) << 9
                            | (b[p + 9] & 0xFFL) << 1 | (b[p + 10] & 0x80) >> 7;
                    pcrs.add(base);
                }
            }
            if (pid == 0) {
                tables.add(i);
            } else if (pid >= 0x100 && pid < 0x1000 && start) {
                starts++;
                if (rai) {
                    rap++;
                    if (tables.contains(i - 2) && i >= 2 && pidOf(b, i - 1) == 0x1000) {
                        rapAfterTables++;
                    }
                }
            }
        }
        return new TsLayout(n, ccErrors, pcrs, tables, starts, rap, rapAfterTables);
    }

    private static int pidOf(byte[] b, int packet) {
        int p = packet * 188;
        return (b[p + 1] & 0x1F) << 8 | b[p + 2] & 0xFF;
    }

    /** The largest step between consecutive PCRs, in 90 kHz ticks. */
    long largestPcrStep() {
        long max = 0;
        for (int i = 1; i < pcrs.size(); i++) {
            long step = pcrs.get(i) - pcrs.get(i - 1);
            if (step < 0) {
                throw new AssertionError("PCR goes back at " + i + ": " + pcrs.get(i - 1) + " -> " + pcrs.get(i));
            }
            max = Math.max(max, step);
        }
        return max;
    }
}
