package dev.kiln.bench.srt;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The results as Markdown tables: the Kiln/srt-live-transmit comparison, then every case's numbers. */
final class SrtTable {
    private SrtTable() {
    }

    static String render(List<CaseResult> results, List<Integer> levels) {
        StringBuilder out = new StringBuilder();
        out.append("| streams | Kiln CPU s/stream-min | srt-live-transmit CPU s/stream-min | CPU ratio Kiln/slt"
                + " | Kiln delivered % | slt delivered % | generator CPU % of a core (Kiln run / slt run) |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int level : levels) {
            Optional<CaseResult> kiln = find(results, "kiln", level);
            Optional<CaseResult> slt = find(results, "srt-live-transmit", level);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s / %s |%n", level,
                    kiln.map(r -> f(3, r.cpuPerStreamMinute())).orElse("–"),
                    slt.map(r -> f(3, r.cpuPerStreamMinute())).orElse("–"),
                    kiln.isPresent() && slt.isPresent() && slt.get().cpuPerStreamMinute() > 0
                            ? f(2, kiln.get().cpuPerStreamMinute() / slt.get().cpuPerStreamMinute()) + "x" : "–",
                    kiln.map(r -> f(3, 100 * r.delivered())).orElse("–"),
                    slt.map(r -> f(3, 100 * r.delivered())).orElse("–"),
                    kiln.map(r -> f(0, r.percentOfCore(r.generatorCpu()))).orElse("–"),
                    slt.map(r -> f(0, r.percentOfCore(r.generatorCpu()))).orElse("–")));
        }
        out.append('\n');
        out.append("| receiver | streams | window s | receiver CPU s | receiver CPU % of a core | generator CPU % | harness CPU %"
                + " | sent Mbit/s per stream (real time) | streams seen | publishers alive | packets sent | dropped by relay"
                + " | retransmitted | not delivered |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (CaseResult r : results) {
            out.append(String.format(Locale.ROOT,
                    "| %s | %d | %.1f | %.2f | %.1f | %.0f | %.0f | %.2f (%.2f) | %d | %d | %d | %.2f%% | %.2f%% | %.3f%% |%n",
                    r.server(), r.streams(), r.seconds(), r.serverCpu(), r.percentOfCore(r.serverCpu()),
                    r.percentOfCore(r.generatorCpu()), r.percentOfCore(r.harnessCpu()), r.sentMbit(), r.expectedMbit(),
                    r.seen(), r.alive(), r.originals(), pct(r.relayDropped(), r.originals() + r.retransmitted()),
                    pct(r.retransmitted(), r.originals()), 100 * (1 - r.delivered())));
        }
        return out.toString();
    }

    private static double pct(long a, long b) {
        return b > 0 ? 100.0 * a / b : 0;
    }

    private static Optional<CaseResult> find(List<CaseResult> results, String server, int level) {
        return results.stream().filter(r -> r.server().equals(server) && r.streams() == level).findFirst();
    }

    private static String f(int digits, double v) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
