package dev.kiln.ingest.mpegts.internal;

import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.stream.StreamRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The MPEG-TS over UDP ingest as a Declarative Services component: while the kernel's stream
 * registry, settings and event loops are there, it listens on every UDP port of
 * {@link ServerSettings#mpegTsInputs()} (media bind address) with the kernel's datagram channel
 * class, and publishes what each port receives as that port's stream. Deactivation closes the
 * sockets and their streams.
 */
@Component(immediate = true)
public final class MpegTsIngestComponent {
  /** Service property of the kernel's event loop group: the matching datagram channel class. */
  static final String DATAGRAM_CHANNEL_PROPERTY = "kiln.datagramChannel";

  private final UdpIngest ingest;

  @Activate
  public MpegTsIngestComponent(
      @Reference StreamRegistry registry,
      @Reference ServerSettings settings,
      @Reference(service = EventLoopGroup.class, target = "(kiln.eventloop=worker)")
          Map.Entry<Map<String, ?>, EventLoopGroup> eventLoops) {
    ingest = new UdpIngest(eventLoops.getValue(), datagramChannel(eventLoops.getKey()),
        settings.mediaBindAddress());
    ingest.start(settings.mpegTsInputs(), registry, settings.inputTimeoutSeconds(), System::nanoTime);
  }

  @Deactivate
  void deactivate() {
    ingest.close();
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
