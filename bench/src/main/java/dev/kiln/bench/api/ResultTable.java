package dev.kiln.bench.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The results as a Markdown table. Kiln rows carry their overhead against the bare row of the
 * same protocol: bare rps / Kiln rps, Kiln p50 (p99) / bare p50 (p99), and Kiln server CPU per
 * request / bare server CPU per request; above 1 means Kiln costs more.
 */
final class ResultTable {
    static final String BARE_PREFIX = "bare-";

    private ResultTable() {
    }

    static String format(List<Measurement> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| case | protocol | rps | p50 ms | p99 ms | errors | server CPU us/req | client CPU us/req"
                + " | warm-up s | rps overhead | p50 overhead | p99 overhead | CPU overhead |\n");
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Measurement m : rows) {
            Optional<Measurement> bare = m.name().startsWith(BARE_PREFIX) ? Optional.empty()
                    : rows.stream()
                            .filter(r -> r.name().startsWith(BARE_PREFIX) && r.protocol().equals(m.protocol()))
                            .findFirst();
            out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %d | %s | %s | %.0f | %s | %s | %s | %s |%n",
                    m.name(), m.protocol(), m.rps(), m.p50Ms(), m.p99Ms(), m.errors(),
                    micros(m.serverCpuMicrosPerRequest()), micros(m.clientCpuMicrosPerRequest()),
                    m.warmup().toMillis() / 1e3,
                    bare.map(b -> ratio(b.rps(), m.rps())).orElse("-"),
                    bare.map(b -> ratio(m.p50Ms(), b.p50Ms())).orElse("-"),
                    bare.map(b -> ratio(m.p99Ms(), b.p99Ms())).orElse("-"),
                    bare.map(b -> ratio(m.serverCpuMicrosPerRequest(), b.serverCpuMicrosPerRequest())).orElse("-")));
        }
        return out.toString();
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static String ratio(double numerator, double denominator) {
        return denominator > 0 && !Double.isNaN(numerator) ? String.format(Locale.ROOT, "%.2fx", numerator / denominator) : "n/a";
    }
}
