package dev.kiln.bench.rtmp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of a process and its children, from {@code /proc}: utime +
 * stime of {@code /proc/<pid>/stat} (in clock ticks) and {@code VmRSS} of
 * {@code /proc/<pid>/status}.
 */
public final class ProcessStats {
    /** USER_HZ: the unit of utime and stime (100 on Linux unless the kernel says otherwise). */
    static final long CLOCK_TICKS = clockTicks();

    private ProcessStats() {
    }

    /** CPU seconds used so far by {@code pid} and its child processes (user + system). */
    public static double cpuSeconds(long pid) {
        return systemSeconds(pid) + userSeconds(pid);
    }

    /** CPU seconds spent in the kernel (system calls, network stack) by {@code pid} and its children. */
    static double systemSeconds(long pid) {
        return ticks(pid, 12) / (double) CLOCK_TICKS; // stime (field 15)
    }

    private static double userSeconds(long pid) {
        return ticks(pid, 11) / (double) CLOCK_TICKS; // utime (field 14)
    }

    private static long ticks(long pid, int index) {
        long ticks = 0;
        for (long p : withChildren(pid)) {
            String[] f = statFields(p);
            if (f != null) {
                ticks += Long.parseLong(f[index]);
            }
        }
        return ticks;
    }

    /** Resident set size of {@code pid} and its children, bytes. */
    public static long rssBytes(long pid) {
        long kb = 0;
        for (long p : withChildren(pid)) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException gone) {
                // the process ended meanwhile
            }
        }
        return kb * 1024;
    }

    /** {@code pid} and the processes whose parent it is. */
    static List<Long> withChildren(long pid) {
        List<Long> pids = new ArrayList<>(List.of(pid));
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(p -> {
                        String[] f = statFields(p);
                        return f != null && Long.parseLong(f[1]) == pid; // ppid (field 4)
                    })
                    .forEach(pids::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** The fields of /proc/pid/stat after the command name, from field 3 (state) on; null if gone. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException gone) {
            return null;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
