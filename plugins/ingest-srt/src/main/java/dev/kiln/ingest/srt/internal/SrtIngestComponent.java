package dev.kiln.ingest.srt.internal;

import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.ingest.srt.internal.bridge.SrtPublisher;
import dev.kiln.ingest.srt.internal.server.SrtServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The SRT ingest as a Declarative Services component: listens on the server's SRT port (UDP,
 * media bind address) on the kernel's shared Netty event loops while the stream registry,
 * settings and event loops are there, and publishes every accepted caller as an input stream.
 * Deactivation closes the socket and every connection.
 */
@Component(immediate = true)
public final class SrtIngestComponent {
  /** Service property of the kernel's event loop group: the matching datagram channel class. */
  static final String DATAGRAM_CHANNEL_PROPERTY = "kiln.datagramChannel";

  private final SrtServer server;

  @Activate
  public SrtIngestComponent(
      @Reference StreamRegistry registry,
      @Reference ServerSettings settings,
      @Reference(service = EventLoopGroup.class, target = "(kiln.eventloop=worker)")
          Map.Entry<Map<String, ?>, EventLoopGroup> eventLoops) {
    server = new SrtServer(eventLoops.getValue(), datagramChannel(eventLoops.getKey()),
        settings.mediaBindAddress(), settings.srtPort(), new SrtPublisher(registry),
        settings.srtPassphrase(), settings.inputTimeoutSeconds());
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
  private static Class<? extends DatagramChannel> datagramChannel(Map<String, ?> properties) {
    Object value = properties.get(DATAGRAM_CHANNEL_PROPERTY);
    if (value instanceof Class<?> type && DatagramChannel.class.isAssignableFrom(type)) {
      return (Class<? extends DatagramChannel>) type;
    }
    throw new IllegalStateException("the kernel's event loop group has no usable "
        + DATAGRAM_CHANNEL_PROPERTY + " property: " + value);
  }
}
