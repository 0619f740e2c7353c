package dev.kiln.osgi;

import dev.kiln.proto.v1.ListPluginsRequest;
import dev.kiln.proto.v1.Plugin;
import dev.kiln.proto.v1.PluginServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A {@link FelixHost} on temporary folders, listed through an in-process gRPC channel. */
final class RunningHost implements AutoCloseable {

  final Path pluginsDir;
  final FelixHost host;
  final FrameworkWatch watch;
  private final Server server;
  private final ManagedChannel channel;
  private final PluginServiceGrpc.PluginServiceBlockingStub plugins;

  private RunningHost(Path pluginsDir, FelixHost host) throws IOException {
    this.pluginsDir = pluginsDir;
    this.host = host;
    this.watch = new FrameworkWatch(host.context());
    String name = InProcessServerBuilder.generateName();
    this.server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new PluginControlService(host))
            .build()
            .start();
    this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    this.plugins = PluginServiceGrpc.newBlockingStub(channel);
  }

  static RunningHost start(Path temp) throws IOException {
    Path pluginsDir = temp.resolve("plugins");
    return new RunningHost(pluginsDir, FelixHost.start(pluginsDir, temp.resolve("storage")));
  }

  List<Plugin> list() {
    return plugins.listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsList();
  }

  Optional<Plugin> find(String symbolicName) {
    return list().stream().filter(p -> p.getSymbolicName().equals(symbolicName)).findFirst();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    watch.close();
    host.close();
  }
}
