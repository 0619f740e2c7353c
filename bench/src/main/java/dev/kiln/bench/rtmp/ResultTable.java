package dev.kiln.bench.rtmp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints the results as Markdown tables: the Kiln/nginx ratios, then the raw numbers. */
final class ResultTable {
    private ResultTable() {
    }

    static String render(List<LevelResult> results, List<Integer> levels) {
        StringBuilder out = new StringBuilder();
        out.append("| streams | Kiln CPU s/stream-min | nginx-rtmp CPU s/stream-min | CPU ratio Kiln/nginx"
                + " | Kiln RSS MiB/stream | nginx-rtmp RSS MiB/stream | RSS ratio Kiln/nginx |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int level : levels) {
            Optional<LevelResult> kiln = find(results, "kiln", level);
            Optional<LevelResult> nginx = find(results, "nginx-rtmp", level);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |%n", level,
                    kiln.map(r -> f3(r.cpuPerStreamMinute())).orElse("–"),
                    nginx.map(r -> f3(r.cpuPerStreamMinute())).orElse("–"),
                    ratio(kiln.map(LevelResult::cpuPerStreamMinute), nginx.map(LevelResult::cpuPerStreamMinute)),
                    kiln.map(r -> f2(r.rssPerStreamMiB())).orElse("–"),
                    nginx.map(r -> f2(r.rssPerStreamMiB())).orElse("–"),
                    ratio(kiln.map(LevelResult::rssPerStreamMiB), nginx.map(LevelResult::rssPerStreamMiB))));
        }
        out.append('\n');
        out.append("| server | streams | idle CPU % | window s | CPU s | of which system | CPU % of a core | RSS idle MiB | RSS MiB"
                + " | sent Mbit/s per stream | streams seen by server | failed publishers |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (LevelResult r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %.0f%% | %.1f | %.0f | %.0f | %.2f | %d | %d |%n",
                    r.server(), r.streams(), r.idleCpuPercent(), r.seconds(), r.cpuSeconds(),
                    r.cpuSeconds() > 0 ? 100 * r.systemSeconds() / r.cpuSeconds() : 0.0, r.cpuPercent(),
                    r.rssIdleBytes() / (1024.0 * 1024), r.rssMiB(), r.sentMbitPerStream(), r.seenStreams(),
                    r.failed()));
        }
        return out.toString();
    }

    private static Optional<LevelResult> find(List<LevelResult> results, String server, int level) {
        return results.stream().filter(r -> r.server().equals(server) && r.streams() == level).findFirst();
    }

    private static String ratio(Optional<Double> a, Optional<Double> b) {
        if (a.isEmpty() || b.isEmpty() || b.get() <= 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2fx", a.get() / b.get());
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
