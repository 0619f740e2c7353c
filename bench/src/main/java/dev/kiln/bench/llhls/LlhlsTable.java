package dev.kiln.bench.llhls;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The Markdown table of a run, one row per server and level. */
final class LlhlsTable {
    private LlhlsTable() {
    }

    static void print(PrintStream out, List<StepResult> rows) {
        out.println("| server | mode | viewers | window s | server CPU % of a core | idle CPU % | CPU ms per viewer-s"
                + " | generator CPU % | requests/s | Mbit/s out | Mbit/s per viewer | delivery p50 ms | p99 ms | max ms"
                + " | media responses | errors | viewers behind | load avg |");
        out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (StepResult r : rows) {
            Delivery.Window w = r.window();
            out.println(String.format(Locale.ROOT,
                    "| %s | %s | %d | %.1f | %.1f | %.1f | %.3f | %.1f | %.0f | %.1f | %.2f | %.1f | %.1f | %.1f | %d | %d | %d | %s |",
                    r.server(), r.mode(), r.viewers(), r.windowSeconds(), r.serverCpuPct(), r.idleCpuPct(),
                    r.cpuMsPerViewerSecond(), r.generatorCpuPct(), r.requestsPerSecond(), r.mbitPerSecond(),
                    r.mbitPerViewer(), w.p50Ms(), w.p99Ms(), w.maxMs(), w.mediaResponses(), w.errors(), r.behind(), r.loadAverage()));
        }
        for (StepResult r : rows) {
            if (r.lastError() != null) {
                out.println();
                out.println("Last viewer error, " + r.server() + " at " + r.viewers() + " viewers: " + r.lastError());
            }
        }
    }
}
