package dev.kiln.gateway;

import dev.kiln.proto.v1.ListPluginsRequest;
import dev.kiln.proto.v1.ListPluginsResponse;
import dev.kiln.proto.v1.Plugin;
import dev.kiln.proto.v1.PluginServiceGrpc;
import dev.kiln.proto.v1.RegisteredService;
import io.grpc.stub.StreamObserver;

/** One bundle registering one service whose properties hold digits (strings, as declared). */
final class FixedPluginService extends PluginServiceGrpc.PluginServiceImplBase {

    @Override
    public void listPlugins(ListPluginsRequest request, StreamObserver<ListPluginsResponse> response) {
        final Plugin plugin = Plugin.newBuilder()
                                    .setId(7)
                                    .setSymbolicName("dev.kiln.ingest.rtmp")
                                    .setVersion("1.0.0")
                                    .setState("ACTIVE")
                                    .addServices(RegisteredService.newBuilder()
                                                                  .setId(42)
                                                                  .addInterfaces("dev.kiln.api.IngestProvider")
                                                                  .putProperties("service.ranking", "10"))
                                    .build();
        response.onNext(ListPluginsResponse.newBuilder().addPlugins(plugin).build());
        response.onCompleted();
    }
}
