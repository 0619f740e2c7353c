package dev.kiln.bench.push;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The result tables, as Markdown: one row per number of pushes, then the details per window. */
final class PushTable {
    private PushTable() {
    }

    static String render(List<StepResult> results, List<Integer> levels) {
        StringBuilder out = new StringBuilder();
        out.append("| pushes | Kiln CPU s/push-min | ffmpeg-copy CPU s/push-min (+ origin) | Kiln/ffmpeg"
                + " | Kiln/(ffmpeg+origin) | Kiln latency p50 / p99 ms | ffmpeg-copy latency p50 / p99 ms"
                + " | Kiln RSS MiB/push | ffmpeg RSS MiB/push |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int n : levels) {
            Optional<StepResult> kiln = find(results, "kiln", n);
            Optional<StepResult> ffmpeg = find(results, "ffmpeg-copy", n);
            out.append("| ").append(n)
                    .append(" | ").append(kiln.map(r -> f3(r.cpuPerPushMinute())).orElse("-"))
                    .append(" | ").append(ffmpeg.map(r -> f3(r.cpuPerPushMinute()) + " (+ " + f3(r.originPerPushMinute()) + ")")
                            .orElse("-"))
                    .append(" | ").append(ratio(kiln, ffmpeg, false))
                    .append(" | ").append(ratio(kiln, ffmpeg, true))
                    .append(" | ").append(kiln.map(PushTable::latency).orElse("-"))
                    .append(" | ").append(ffmpeg.map(PushTable::latency).orElse("-"))
                    .append(" | ").append(kiln.map(r -> f2(r.rssMiBPerPush())).orElse("-"))
                    .append(" | ").append(ffmpeg.map(r -> f2(r.rssMiBPerPush())).orElse("-"))
                    .append(" |\n");
        }
        results.stream().filter(r -> r.setup().equals("direct")).findFirst().ifPresent(r -> out.append(String.format(
                Locale.ROOT, "%nLatency with no push hop (publisher → origin nginx → player): p50 %.1f ms, p99 %.1f ms%n",
                r.latency().p50Ms(), r.latency().p99Ms())));

        out.append("\n| setup | pushes | window s | CPU % of a core | no-push CPU % | origin CPU % | receiver CPU s/push-min"
                + " | running | live at receiver | received Mbit/s per push | player frames/s | frames not matched"
                + " | latency max ms |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (StepResult r : results) {
            boolean direct = r.pushes() == 0;
            out.append("| ").append(r.setup())
                    .append(" | ").append(r.pushes())
                    .append(" | ").append(f1(r.seconds()))
                    .append(" | ").append(direct ? "-" : f1(r.pusherCpuPercent()))
                    .append(" | ").append(r.setup().equals("kiln") ? f1(100 * r.pusherBaseRate()) : "-")
                    .append(" | ").append(Double.isNaN(r.originCpu()) ? "-" : f1(100 * r.originCpu() / r.seconds()))
                    .append(" | ").append(direct ? "-" : f3(r.receiverPerPushMinute()))
                    .append(" | ").append(direct ? "-" : Integer.toString(r.running()))
                    .append(" | ").append(r.live())
                    .append(" | ").append(f2(r.receivedMbitPerPush()))
                    .append(" | ").append(f1(r.playerFps()))
                    .append(" | ").append(r.latency().unmatched())
                    .append(" | ").append(f1(r.latency().maxMs()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static Optional<StepResult> find(List<StepResult> results, String setup, int n) {
        return results.stream().filter(r -> r.setup().equals(setup) && r.pushes() == n).findFirst();
    }

    private static String ratio(Optional<StepResult> kiln, Optional<StepResult> ffmpeg, boolean withOrigin) {
        if (kiln.isEmpty() || ffmpeg.isEmpty()) {
            return "-";
        }
        double base = ffmpeg.get().cpuPerPushMinute() + (withOrigin ? ffmpeg.get().originPerPushMinute() : 0);
        return String.format(Locale.ROOT, "%.2fx", kiln.get().cpuPerPushMinute() / base);
    }

    private static String latency(StepResult r) {
        return String.format(Locale.ROOT, "%.1f / %.1f", r.latency().p50Ms(), r.latency().p99Ms());
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
