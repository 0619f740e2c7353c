package dev.kiln.ingest.srt.internal.bridge;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.KilnException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.ingest.srt.internal.protocol.Rejection;
import dev.kiln.ingest.srt.internal.protocol.StreamIds;
import dev.kiln.ingest.srt.internal.server.SrtAcceptor;
import dev.kiln.ingest.srt.internal.server.SrtConnection;
import dev.kiln.ingest.srt.internal.server.SrtStreamListener;
import dev.kiln.mpegts.TsPublisher;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns accepted SRT callers into kernel input streams: the stream id names the stream
 * ({@link StreamIds}), the input stream is opened during the handshake (an unknown application
 * or a live name refuses the caller with 1404 / 1409), and the MPEG-TS payloads go through
 * {@link TsPublisher} (demuxed into H.264 / H.265 / AAC tracks). Deleting the stream through
 * the API closes the connection.
 */
public final class SrtPublisher implements SrtAcceptor {
  /** How the REST API shows the source of these streams. */
  public static final String SOURCE_TYPE = "Srt";
  private static final Logger LOG = LoggerFactory.getLogger(SrtPublisher.class);

  private final StreamRegistry registry;

  public SrtPublisher(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public SrtStreamListener accept(String streamId, InetSocketAddress peer, SrtConnection connection)
      throws RejectedException {
    StreamIds.Target target;
    try {
      target = StreamIds.parse(streamId);
    } catch (IllegalArgumentException e) {
      int code = e.getMessage().startsWith("mode ") ? Rejection.BAD_MODE : Rejection.BAD_REQUEST;
      throw new RejectedException(code, e.getMessage());
    }
    String vhost = target.vhost() != null ? target.vhost() : registry.resolveVhost(target.host());
    StreamKey key = new StreamKey(vhost, target.app(), target.stream());
    PublishRequest request = new PublishRequest(key, SOURCE_TYPE,
        peer.getAddress().getHostAddress() + ":" + peer.getPort(),
        () -> connection.close("disconnected by the server (stream deleted or input gone)"));
    TsPublisher publisher = new TsPublisher(registry, request);
    try {
      publisher.publish();
    } catch (NotFoundException e) {
      publisher.close();
      throw new RejectedException(Rejection.NOT_FOUND, e.getMessage());
    } catch (ConflictException e) {
      publisher.close();
      throw new RejectedException(Rejection.CONFLICT, e.getMessage());
    } catch (KilnException | IllegalArgumentException e) {
      publisher.close();
      throw new RejectedException(Rejection.BAD_REQUEST, e.getMessage());
    }
    return new Listener(publisher, connection);
  }

  private static final class Listener implements SrtStreamListener {
    private final TsPublisher publisher;
    private final SrtConnection connection;

    Listener(TsPublisher publisher, SrtConnection connection) {
      this.publisher = publisher;
      this.connection = connection;
    }

    @Override
    public void onPayload(ByteBuf payload) {
      try {
        publisher.feed(payload);
      } catch (KilnException e) {
        LOG.warn("SRT {} {}: the stream was refused: {}", connection.peer(), publisher.key(), e.getMessage());
        publisher.close();
        connection.close("stream refused: " + e.getMessage());
      }
    }

    @Override
    public void onClose(String reason) {
      publisher.close();
    }
  }
}
