package dev.kiln.runtime.media;

import dev.kiln.api.stream.TrafficStats;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * Byte counters and throughput of one stream. Throughput is taken per whole second: "last"
 * is the last complete second, "max" the best second so far, "avg" the total over the
 * stream's life.
 */
final class TrafficMeter {
    private final Clock clock;
    private final Instant created;

    private long bytesIn;
    private long bytesOut;
    private Instant lastRecv;
    private Instant lastSent;
    private Instant lastUpdated;

    private long currentSecond;
    private long secondBytesIn;
    private long secondBytesOut;
    private long lastBpsIn;
    private long lastBpsOut;
    private long maxBpsIn;
    private long maxBpsOut;

    private final Map<String, Long> connections = new TreeMap<>();
    private long maxConnections;
    private Instant maxConnectionsTime;

    TrafficMeter(Clock clock) {
        this.clock = clock;
        this.created = clock.instant();
        this.lastUpdated = created;
        this.maxConnectionsTime = created;
        this.currentSecond = created.getEpochSecond();
    }

    synchronized void countIn(long bytes) {
        Instant now = roll();
        bytesIn += bytes;
        secondBytesIn += bytes;
        lastRecv = now;
        lastUpdated = now;
    }

    synchronized void countOut(long bytes) {
        Instant now = roll();
        bytesOut += bytes;
        secondBytesOut += bytes;
        lastSent = now;
        lastUpdated = now;
    }

    synchronized void connectionOpened(String kind) {
        connections.merge(kind, 1L, Long::sum);
        long total = connections.values().stream().mapToLong(Long::longValue).sum();
        if (total > maxConnections) {
            maxConnections = total;
            maxConnectionsTime = clock.instant();
        }
        lastUpdated = clock.instant();
    }

    synchronized void connectionClosed(String kind) {
        connections.computeIfPresent(kind, (k, v) -> v > 1 ? v - 1 : null);
        lastUpdated = clock.instant();
    }

    synchronized Instant lastRecv() {
        return lastRecv;
    }

    synchronized TrafficStats stats() {
        Instant now = roll();
        double lifeSeconds = Math.max(1.0, (now.toEpochMilli() - created.toEpochMilli()) / 1000.0);
        long total = connections.values().stream().mapToLong(Long::longValue).sum();
        return new TrafficStats(time(created), time(lastRecv == null ? created : lastRecv),
                time(lastSent == null ? created : lastSent), time(lastUpdated),
                bytesIn, bytesOut, lastBpsIn, lastBpsOut,
                Math.round(bytesIn * 8 / lifeSeconds), Math.round(bytesOut * 8 / lifeSeconds),
                maxBpsIn, maxBpsOut, Map.copyOf(connections), total, maxConnections, time(maxConnectionsTime));
    }

    /** Closes the per-second buckets up to now; returns now. */
    private Instant roll() {
        Instant now = clock.instant();
        long second = now.getEpochSecond();
        if (second != currentSecond) {
            boolean consecutive = second == currentSecond + 1;
            lastBpsIn = consecutive ? secondBytesIn * 8 : 0;
            lastBpsOut = consecutive ? secondBytesOut * 8 : 0;
            maxBpsIn = Math.max(maxBpsIn, secondBytesIn * 8);
            maxBpsOut = Math.max(maxBpsOut, secondBytesOut * 8);
            secondBytesIn = 0;
            secondBytesOut = 0;
            currentSecond = second;
        }
        return now;
    }

    static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneId.systemDefault());
    }

    /** Sums several meters' stats (for an application or virtual host). */
    static TrafficStats sum(Iterable<TrafficStats> parts, OffsetDateTime created) {
        long in = 0, out = 0, lastIn = 0, lastOut = 0, avgIn = 0, avgOut = 0, maxIn = 0, maxOut = 0, conns = 0, maxConns = 0;
        OffsetDateTime lastRecv = created, lastSent = created, updated = created, maxTime = created;
        Map<String, Long> byKind = new TreeMap<>();
        for (TrafficStats s : parts) {
            in += s.totalBytesIn();
            out += s.totalBytesOut();
            lastIn += s.lastThroughputIn();
            lastOut += s.lastThroughputOut();
            avgIn += s.avgThroughputIn();
            avgOut += s.avgThroughputOut();
            maxIn += s.maxThroughputIn();
            maxOut += s.maxThroughputOut();
            conns += s.totalConnections();
            maxConns += s.maxTotalConnections();
            s.connections().forEach((k, v) -> byKind.merge(k, v, Long::sum));
            lastRecv = later(lastRecv, s.lastRecvTime());
            lastSent = later(lastSent, s.lastSentTime());
            updated = later(updated, s.lastUpdatedTime());
            maxTime = later(maxTime, s.maxTotalConnectionTime());
        }
        return new TrafficStats(created, lastRecv, lastSent, updated, in, out, lastIn, lastOut, avgIn, avgOut,
                maxIn, maxOut, Map.copyOf(byKind), conns, maxConns, maxTime);
    }

    private static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
        return b != null && b.isAfter(a) ? b : a;
    }
}
