package dev.kiln.bench.rtmp;

/**
 * What one server did with one number of publishers over the measured window.
 *
 * @param server        "kiln" or "nginx-rtmp"
 * @param streams       publishers connected
 * @param idleCpuPercent CPU the server used with no publisher, percent of a core
 * @param seconds       length of the measured window
 * @param cpuSeconds    CPU (user + system) the server used in the window
 * @param systemSeconds the part of it spent in the kernel (system calls, TCP)
 * @param rssIdleBytes  resident memory before the publishers connected
 * @param rssBytes      resident memory at the end of the window
 * @param sentBits      what the publishers wrote in the window, bits
 * @param seenStreams   live streams the server reported at the end of the window
 * @param failed        publishers whose connection failed
 */
record LevelResult(String server, int streams, double idleCpuPercent, double seconds, double cpuSeconds, double systemSeconds, long rssIdleBytes,
                   long rssBytes, long sentBits, int seenStreams, int failed) {

    /** CPU seconds per stream per minute of media. */
    double cpuPerStreamMinute() {
        return cpuSeconds / (streams * seconds / 60.0);
    }

    /** Memory the publishers added, per stream, MiB. */
    double rssPerStreamMiB() {
        return (rssBytes - rssIdleBytes) / (double) streams / (1024 * 1024);
    }

    double rssMiB() {
        return rssBytes / (1024.0 * 1024);
    }

    /** Share of one core, percent. */
    double cpuPercent() {
        return 100 * cpuSeconds / seconds;
    }

    /** Bitrate the publishers actually sent, per stream, Mbit/s. */
    double sentMbitPerStream() {
        return sentBits / seconds / streams / 1e6;
    }
}
