package dev.kiln.ingest.rtmp.internal;

import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.ingest.rtmp.internal.bridge.StreamPublisher;
import dev.kiln.ingest.rtmp.internal.server.RtmpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The RTMP ingest as a Declarative Services component: listens on the server's RTMP port
 * (media bind address) on the kernel's shared Netty event loops while the kernel's stream
 * registry, settings and event loops are there, and publishes every accepted RTMP publish as
 * an input stream. Deactivation closes the listener and every connection.
 */
@Component(immediate = true)
public final class RtmpIngestComponent {
  /** Service property of the kernel's event loop group: the matching server channel class. */
  static final String SERVER_CHANNEL_PROPERTY = "kiln.serverChannel";

  private final RtmpServer server;

  @Activate
  public RtmpIngestComponent(
      @Reference StreamRegistry registry,
      @Reference ServerSettings settings,
      @Reference(service = EventLoopGroup.class, target = "(kiln.eventloop=worker)")
          Map.Entry<Map<String, ?>, EventLoopGroup> eventLoops) {
    EventLoopGroup group = eventLoops.getValue();
    server = new RtmpServer(group, group, serverChannel(eventLoops.getKey()),
        settings.mediaBindAddress(), settings.rtmpPort(),
        session -> new StreamPublisher(registry, session), settings.inputTimeoutSeconds());
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Deactivate
  void deactivate() {
    server.close();
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends ServerChannel> serverChannel(Map<String, ?> properties) {
    Object value = properties.get(SERVER_CHANNEL_PROPERTY);
    if (value instanceof Class<?> type && ServerChannel.class.isAssignableFrom(type)) {
      return (Class<? extends ServerChannel>) type;
    }
    throw new IllegalStateException("the kernel's event loop group has no usable "
        + SERVER_CHANNEL_PROPERTY + " property: " + value);
  }
}
