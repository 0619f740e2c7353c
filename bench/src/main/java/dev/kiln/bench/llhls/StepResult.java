package dev.kiln.bench.llhls;

/**
 * One measured step: {@code viewers} concurrent viewers of one server for {@code windowSeconds}.
 *
 * @param server          kiln or nginx
 * @param mode            LL-HLS (blocking reloads, parts) or HLS (polling, segments)
 * @param serverCpuPct    the server's CPU (process and children) in the window, % of one core
 * @param idleCpuPct      the same with no viewer, measured before the first step
 * @param generatorCpuPct the harness's JVM (the viewers) in the window, % of one core
 * @param behind          viewers that received less than half the median viewer's media bytes
 * @param lastError       the last failure a viewer saw (also before the window), or null
 * @param loadAverage     the machine's 1-minute load average at the end of the window
 */
record StepResult(String server, String mode, int viewers, double windowSeconds, double serverCpuPct,
                  double idleCpuPct, double generatorCpuPct, Delivery.Window window, int behind,
                  String lastError, String loadAverage) {

    double requestsPerSecond() {
        return window.requests() / windowSeconds;
    }

    double mbitPerSecond() {
        return window.bytes() * 8 / windowSeconds / 1e6;
    }

    double mbitPerViewer() {
        return mbitPerSecond() / viewers;
    }

    /** Server CPU above idle, in milliseconds per viewer per second of viewing. */
    double cpuMsPerViewerSecond() {
        return (serverCpuPct - idleCpuPct) * 10 / viewers;
    }
}
