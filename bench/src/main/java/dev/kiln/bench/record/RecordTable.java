package dev.kiln.bench.record;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints the results as Markdown tables: per level the three scenarios and the ratios, then the raw numbers. */
final class RecordTable {
    private RecordTable() {
    }

    static String render(List<RecordResult> results, List<Integer> levels) {
        StringBuilder out = new StringBuilder();
        out.append("| streams | Kiln CPU s/stream-min | nginx-record CPU s/stream-min | ffmpeg-copy CPU s/stream-min"
                + " (+ nginx relay) | Kiln/nginx | Kiln/ffmpeg | Kiln/(ffmpeg+relay)"
                + " | Kiln RSS MiB/stream | nginx-record RSS MiB/stream | ffmpeg RSS MiB/stream |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int level : levels) {
            Optional<RecordResult> kiln = find(results, "kiln", level);
            Optional<RecordResult> nginx = find(results, "nginx-record", level);
            Optional<RecordResult> ffmpeg = find(results, "ffmpeg-copy", level);
            Optional<Double> k = kiln.map(RecordResult::cpuPerStreamMinute);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", level,
                    k.map(RecordTable::f3).orElse("–"),
                    nginx.map(r -> f3(r.cpuPerStreamMinute())).orElse("–"),
                    ffmpeg.map(r -> f3(r.cpuPerStreamMinute()) + " (+ " + f3(r.relayCpuPerStreamMinute()) + ")")
                            .orElse("–"),
                    ratio(k, nginx.map(RecordResult::cpuPerStreamMinute)),
                    ratio(k, ffmpeg.map(RecordResult::cpuPerStreamMinute)),
                    ratio(k, ffmpeg.map(r -> r.cpuPerStreamMinute() + r.relayCpuPerStreamMinute())),
                    kiln.map(r -> f2(r.rssPerStreamMiB())).orElse("–"),
                    nginx.map(r -> f2(r.rssPerStreamMiB())).orElse("–"),
                    ffmpeg.map(r -> f2(r.rssPerStreamMiB())).orElse("–")));
        }
        out.append('\n');
        out.append("| scenario | streams | window s | CPU s | CPU % of a core | relay CPU s | RSS idle MiB | RSS MiB"
                + " | relay RSS MiB | sent Mbit/s per stream | recording at end | failed publishers"
                + " | files (non-empty) | MiB recorded per stream | ffprobe of one file |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (RecordResult r : results) {
            out.append(String.format(Locale.ROOT,
                    "| %s | %d | %.1f | %.2f | %.1f | %.2f | %.0f | %.0f | %.0f | %.2f | %d | %d | %d (%d) | %.1f | %s |%n",
                    r.scenario(), r.streams(), r.seconds(), r.cpuSeconds(), r.cpuPercent(), r.relayCpuSeconds(),
                    mib(r.rssIdleBytes()), mib(r.rssBytes()), mib(r.relayRssBytes()), r.sentMbitPerStream(),
                    r.recording(), r.failed(), r.files(), r.nonEmptyFiles(), r.fileMiBPerStream(), r.probe()));
        }
        return out.toString();
    }

    private static Optional<RecordResult> find(List<RecordResult> results, String scenario, int level) {
        return results.stream().filter(r -> r.scenario().equals(scenario) && r.streams() == level).findFirst();
    }

    private static String ratio(Optional<Double> a, Optional<Double> b) {
        if (a.isEmpty() || b.isEmpty() || b.get() <= 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2fx", a.get() / b.get());
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
