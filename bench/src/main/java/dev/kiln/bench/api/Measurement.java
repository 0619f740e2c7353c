package dev.kiln.bench.api;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * What one case measured.
 *
 * @param name     case name, e.g. "kiln-rest"
 * @param protocol "REST" or "gRPC": Kiln rows are compared with the bare row of the same protocol
 * @param requests successful answers completed in the window
 * @param errors   failed requests in the window
 * @param rps      successful answers per second
 * @param p50Ms    median latency in milliseconds
 * @param p99Ms    99th percentile latency in milliseconds
 * @param serverCpuMicrosPerRequest CPU time the server process used per answer in the window,
 *                 in microseconds; NaN when the server's process is not known
 * @param clientCpuMicrosPerRequest CPU time this harness (the load generator) used per answer
 * @param warmup   how long the warm-up before the window lasted
 */
record Measurement(String name, String protocol, long requests, long errors, double rps, double p50Ms,
                   double p99Ms, double serverCpuMicrosPerRequest, double clientCpuMicrosPerRequest,
                   Duration warmup) {

    static Measurement of(String name, String protocol, Histogram latencyNanos, long errors, long elapsedNanos,
                          long serverCpuNanos, long clientCpuNanos, Duration warmup) {
        long count = latencyNanos.getTotalCount();
        double cpuPerRequest = perRequestMicros(serverCpuNanos, count);
        return new Measurement(name, protocol, count, errors, count / (elapsedNanos / 1e9),
                latencyNanos.getValueAtPercentile(50) / 1e6, latencyNanos.getValueAtPercentile(99) / 1e6,
                cpuPerRequest, perRequestMicros(clientCpuNanos, count), warmup);
    }

    private static double perRequestMicros(long cpuNanos, long requests) {
        return cpuNanos >= 0 && requests > 0 ? cpuNanos / 1e3 / requests : Double.NaN;
    }
}
