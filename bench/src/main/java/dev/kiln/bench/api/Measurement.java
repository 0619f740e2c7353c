package dev.kiln.bench.api;

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
 */
record Measurement(String name, String protocol, long requests, long errors, double rps, double p50Ms,
                   double p99Ms, double serverCpuMicrosPerRequest) {

    static Measurement of(String name, String protocol, Histogram latencyNanos, long errors, long elapsedNanos,
                          long serverCpuNanos) {
        long count = latencyNanos.getTotalCount();
        double cpuPerRequest = serverCpuNanos >= 0 && count > 0 ? serverCpuNanos / 1e3 / count : Double.NaN;
        return new Measurement(name, protocol, count, errors, count / (elapsedNanos / 1e9),
                latencyNanos.getValueAtPercentile(50) / 1e6, latencyNanos.getValueAtPercentile(99) / 1e6,
                cpuPerRequest);
    }
}
