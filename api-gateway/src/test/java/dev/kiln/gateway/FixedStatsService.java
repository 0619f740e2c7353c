package dev.kiln.gateway;

import dev.kiln.proto.v1.GetVirtualHostStatsRequest;
import dev.kiln.proto.v1.Stats;
import dev.kiln.proto.v1.StatsServiceGrpc;
import io.grpc.stub.StreamObserver;

/** Statistics of a fixed model: every virtual host has {@link #STATS}. */
final class FixedStatsService extends StatsServiceGrpc.StatsServiceImplBase {

    /** 2^53 + 1: exact as a JSON number only if it is never read as a double on the way. */
    static final long BEYOND_DOUBLE = 9_007_199_254_740_993L;

    static final Stats STATS = Stats.newBuilder()
                                    .putConnections("rtmppush", 2)
                                    .putConnections("file", 0)
                                    .putConnections("llhls", BEYOND_DOUBLE)
                                    .setCreatedTime("2026-01-01T00:00:00.000+00:00")
                                    .setLastThroughputIn(-1)
                                    .setTotalBytesIn(1234)
                                    .setTotalBytesOut(BEYOND_DOUBLE)
                                    .setMaxTotalConnections(3)
                                    .setTotalConnections(2)
                                    .build();

    @Override
    public void getVirtualHostStats(GetVirtualHostStatsRequest request, StreamObserver<Stats> response) {
        response.onNext(STATS);
        response.onCompleted();
    }
}
