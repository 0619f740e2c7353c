package dev.kiln.api.stream;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Traffic counters of a stream, application or virtual host. Throughputs in bits per second.
 */
public record TrafficStats(
        OffsetDateTime createdTime,
        OffsetDateTime lastRecvTime,
        OffsetDateTime lastSentTime,
        OffsetDateTime lastUpdatedTime,
        long totalBytesIn,
        long totalBytesOut,
        long lastThroughputIn,
        long lastThroughputOut,
        long avgThroughputIn,
        long avgThroughputOut,
        long maxThroughputIn,
        long maxThroughputOut,
        Map<String, Long> connections,
        long totalConnections,
        long maxTotalConnections,
        OffsetDateTime maxTotalConnectionTime) {}
