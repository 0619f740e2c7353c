package dev.kiln.bench.push;

/**
 * One measured window of one setup.
 *
 * @param setup          {@code kiln}, {@code ffmpeg-copy}, or {@code direct} (no push: the
 *                       player reads the origin nginx, the latency reference)
 * @param pushes         pushes running (0 for a baseline)
 * @param seconds        length of the window
 * @param pusherCpu      CPU seconds in the window of what pushes: the Kiln JVM (ingest included), or all ffmpeg relays
 * @param pusherBaseRate CPU seconds per second of the pushing side with the same input and no push (Kiln: the mean of a
 *                       no-push window just before the step and one just after it; 0 for ffmpeg)
 * @param originCpu      ffmpeg-copy: CPU seconds of the origin nginx the relays pull from; NaN for Kiln
 * @param originBaseRate CPU seconds per second of that origin with the input and no relay
 * @param receiverCpu    CPU seconds of the receiving nginx in the window
 * @param running        Kiln: push tasks in state {@code started} at the end; ffmpeg: relays still running
 * @param live           streams published on the receiver at the end of the window
 * @param receivedBytes  bytes the receiver took in on those streams during the window
 * @param rssBytes       Kiln: RSS at the end − RSS with no push; ffmpeg: RSS of all relays
 * @param latency        what the player saw in the window
 */
record StepResult(String setup, int pushes, double seconds, double pusherCpu, double pusherBaseRate,
                  double originCpu, double originBaseRate, double receiverCpu, int running, int live,
                  long receivedBytes, long rssBytes, LatencyPlayer.Window latency) {

    /** The same window against another no-push baseline. */
    StepResult withBaseRate(double rate) {
        return new StepResult(setup, pushes, seconds, pusherCpu, rate, originCpu, originBaseRate, receiverCpu, running,
                live, receivedBytes, rssBytes, latency);
    }

    /** CPU seconds per push-minute of the pushing side, its no-push baseline taken off. */
    double cpuPerPushMinute() {
        return (pusherCpu - pusherBaseRate * seconds) / pushes / (seconds / 60);
    }

    /** CPU seconds per push-minute the origin spent on serving the relays; NaN for Kiln. */
    double originPerPushMinute() {
        return (originCpu - originBaseRate * seconds) / pushes / (seconds / 60);
    }

    double receiverPerPushMinute() {
        return receiverCpu / pushes / (seconds / 60);
    }

    double pusherCpuPercent() {
        return 100 * pusherCpu / seconds;
    }

    double receivedMbitPerPush() {
        return live == 0 ? 0 : receivedBytes * 8 / 1e6 / seconds / Math.max(1, pushes);
    }

    double rssMiBPerPush() {
        return rssBytes / (1024.0 * 1024) / pushes;
    }

    double playerFps() {
        return latency.frames() / seconds;
    }
}
