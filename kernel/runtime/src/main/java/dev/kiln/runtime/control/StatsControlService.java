package dev.kiln.runtime.control;

import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.proto.v1.GetApplicationStatsRequest;
import dev.kiln.proto.v1.GetStreamStatsRequest;
import dev.kiln.proto.v1.GetVirtualHostStatsRequest;
import dev.kiln.proto.v1.Stats;
import dev.kiln.proto.v1.StatsServiceGrpc;
import dev.kiln.runtime.media.DefaultStreamRegistry;
import dev.kiln.runtime.model.VirtualHostRegistry;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** gRPC implementation of the current-statistics API over the media bus. */
public final class StatsControlService extends StatsServiceGrpc.StatsServiceImplBase {
    /** Connection kinds always listed (as OME does), zero when unused. */
    private static final List<String> KINDS = List.of("dash", "file", "hls", "lldash", "llhls", "mpegtspush",
            "ovt", "rtmppush", "srtpush", "thumbnail", "webrtc");

    private final VirtualHostRegistry model;
    private final DefaultStreamRegistry streams;

    public StatsControlService(VirtualHostRegistry model, DefaultStreamRegistry streams) {
        this.model = model;
        this.streams = streams;
    }

    @Override
    public void getVirtualHostStats(GetVirtualHostStatsRequest request, StreamObserver<Stats> out) {
        Rpc.unary(out, () -> {
            model.vhost(request.getVhost());
            return toProto(streams.vhostTraffic(request.getVhost()));
        });
    }

    @Override
    public void getApplicationStats(GetApplicationStatsRequest request, StreamObserver<Stats> out) {
        Rpc.unary(out, () -> {
            model.app(request.getVhost(), request.getApp());
            return toProto(streams.appTraffic(request.getVhost(), request.getApp()));
        });
    }

    @Override
    public void getStreamStats(GetStreamStatsRequest request, StreamObserver<Stats> out) {
        Rpc.unary(out, () -> {
            model.app(request.getVhost(), request.getApp());
            StreamKey key = new StreamKey(request.getVhost(), request.getApp(), request.getStream());
            return streams.findInput(key)
                    .map(s -> toProto(s.traffic()))
                    .orElseThrow(() -> new NotFoundException("Could not find the stream: [" + key + "]"));
        });
    }

    static Stats toProto(TrafficStats t) {
        Stats.Builder b = Stats.newBuilder();
        KINDS.forEach(k -> b.putConnections(k, 0));
        b.putAllConnections(t.connections());
        return b.setCreatedTime(ApiTime.format(t.createdTime()))
                .setLastRecvTime(ApiTime.format(t.lastRecvTime()))
                .setLastSentTime(ApiTime.format(t.lastSentTime()))
                .setLastUpdatedTime(ApiTime.format(t.lastUpdatedTime()))
                .setLastThroughputIn(t.lastThroughputIn())
                .setLastThroughputOut(t.lastThroughputOut())
                .setMaxTotalConnectionTime(ApiTime.format(t.maxTotalConnectionTime()))
                .setMaxTotalConnections(t.maxTotalConnections())
                .setTotalBytesIn(t.totalBytesIn())
                .setTotalBytesOut(t.totalBytesOut())
                .setTotalConnections(t.totalConnections())
                .setAvgThroughputIn(t.avgThroughputIn())
                .setAvgThroughputOut(t.avgThroughputOut())
                .setMaxThroughputIn(t.maxThroughputIn())
                .setMaxThroughputOut(t.maxThroughputOut())
                .build();
    }
}
