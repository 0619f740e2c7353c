package dev.kiln.bench.srt;

/**
 * One receiver at one number of publishers.
 *
 * @param server           "kiln" or "srt-live-transmit"
 * @param streams          publishers started
 * @param seconds          measured window
 * @param serverCpu        CPU seconds of the receiver (Kiln's JVM, or all srt-live-transmit processes) in the window
 * @param generatorCpu     CPU seconds of the ffmpeg publishers in the window
 * @param harnessCpu       CPU seconds of the harness JVM (lossy relay, UDP sinks) in the window
 * @param sentMbit         Mbit/s of original payload per stream the publishers sent in the window
 * @param expectedMbit     the source file's bitrate: what real-time pace sends
 * @param seen             streams the receiver had (Kiln: live in the API; srt-live-transmit: sinks receiving)
 * @param alive            publishers still running at the end of the window
 * @param originals        original data packets the publishers sent over the whole run
 * @param retransmitted    retransmitted data packets over the whole run
 * @param relayDropped     data packets the relay dropped over the whole run
 * @param delivered        fraction of the original packets the receiver handed on (see the README)
 */
record CaseResult(String server, int streams, double seconds, double serverCpu, double generatorCpu,
                  double harnessCpu, double sentMbit, double expectedMbit, int seen, int alive, long originals,
                  long retransmitted, long relayDropped, double delivered) {

    double cpuPerStreamMinute() {
        return serverCpu / (streams * seconds / 60);
    }

    double percentOfCore(double cpu) {
        return 100 * cpu / seconds;
    }
}
