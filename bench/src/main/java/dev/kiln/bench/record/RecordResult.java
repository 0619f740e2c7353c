package dev.kiln.bench.record;

/**
 * What one scenario did with one number of streams over the measured window.
 *
 * @param scenario      "kiln", "nginx-record" or "ffmpeg-copy"
 * @param streams       publishers connected
 * @param seconds       length of the measured window
 * @param cpuSeconds    CPU (user + system) of the recording side in the window: Kiln, nginx
 *                      (master and workers), or all ffmpeg processes together
 * @param relayCpuSeconds ffmpeg-copy only: CPU of the nginx-rtmp that the ffmpeg processes pull
 *                      from (ingest and relay); 0 otherwise
 * @param rssIdleBytes  resident memory of the recording side before any stream
 * @param rssBytes      resident memory of the recording side at the end of the window
 * @param relayRssBytes ffmpeg-copy only: resident memory of the relaying nginx
 * @param sentBits      what the publishers wrote in the window, bits
 * @param recording     streams being recorded at the end of the window, as the recorder reports
 *                      them (Kiln: tasks in state recording; others: files growing)
 * @param failed        publishers whose connection failed
 * @param files         record files found after the scenario
 * @param nonEmptyFiles of those, the non-empty ones
 * @param fileBytes     total size of the record files
 * @param probe         ffprobe's view of one file (format, duration, streams), or why it failed
 */
record RecordResult(String scenario, int streams, double seconds, double cpuSeconds, double relayCpuSeconds,
                    long rssIdleBytes, long rssBytes, long relayRssBytes, long sentBits, int recording, int failed,
                    int files, int nonEmptyFiles, long fileBytes, String probe) {

    private static final double MIB = 1024.0 * 1024;

    /** CPU seconds of the recording side per stream per minute of media. */
    double cpuPerStreamMinute() {
        return perStreamMinute(cpuSeconds);
    }

    /** CPU seconds of the relaying nginx (ffmpeg-copy) per stream per minute of media. */
    double relayCpuPerStreamMinute() {
        return perStreamMinute(relayCpuSeconds);
    }

    private double perStreamMinute(double cpu) {
        return cpu / (streams * seconds / 60.0);
    }

    /** Memory the streams added to the recording side, per stream, MiB. */
    double rssPerStreamMiB() {
        return (rssBytes - rssIdleBytes) / (double) streams / MIB;
    }

    double cpuPercent() {
        return 100 * cpuSeconds / seconds;
    }

    double sentMbitPerStream() {
        return sentBits / seconds / streams / 1e6;
    }

    double fileMiBPerStream() {
        return fileBytes / (double) streams / MIB;
    }
}
