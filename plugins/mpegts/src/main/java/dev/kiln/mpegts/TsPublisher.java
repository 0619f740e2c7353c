package dev.kiln.mpegts;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport stream as a kernel input stream, for the ingest bundles (UDP, SRT, pulls): feeds
 * the received bytes through a {@link TsDemuxer}, opens the stream in the
 * {@link StreamRegistry} when the first tracks are known (or earlier with {@link #publish()}),
 * declares changed tracks again, writes the packets and counts the bytes received (those
 * before the opening included). {@link #close()} ends the stream.
 *
 * <p>Not thread-safe: feed and close from one thread at a time (the connection's event loop).
 * The request's disconnector is the caller's: when the stream is deleted through the API the
 * kernel calls it (from any thread) and the caller closes its connection and this publisher.
 */
public final class TsPublisher implements AutoCloseable {
  /** Inbound bytes are reported at least every this many bytes… */
  static final long COUNT_BYTES_EVERY = 32 * 1024;
  /** …or every this many nanoseconds. */
  static final long COUNT_NANOS_EVERY = 500_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(TsPublisher.class);

  private final StreamRegistry registry;
  private final PublishRequest request;
  private final TsDemuxer demuxer;
  private StreamWriter writer;
  private boolean closed;
  private long uncounted;
  private long countedAt = System.nanoTime();

  public TsPublisher(StreamRegistry registry, PublishRequest request) {
    if (registry == null || request == null) {
      throw new IllegalArgumentException("registry and request are required");
    }
    this.registry = registry;
    this.request = request;
    this.demuxer = new TsDemuxer(request.key() + " from " + request.remote(), new Listener());
  }

  /**
   * Opens the input stream now instead of at the first tracks (to refuse a connection before
   * its media arrives). Does nothing when it is open already.
   *
   * @throws dev.kiln.api.error.NotFoundException when the application does not exist
   * @throws dev.kiln.api.error.ConflictException when a stream of that name is live
   * @throws IllegalStateException when closed
   */
  public void publish() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (writer == null) {
      writer = registry.publish(request);
      LOG.info("MPEG-TS {} from {}: input stream opened ({})", request.key(), request.remote(),
          request.sourceType());
      countBytes(true);
    }
  }

  /**
   * Counts and demuxes received bytes (reader index untouched, not released). When they
   * complete the first tracks the stream is opened; a refusal by the registry
   * ({@code NotFoundException}, {@code ConflictException}) propagates, and the caller should
   * close this publisher.
   */
  public void feed(ByteBuf buf) {
    if (closed) {
      return;
    }
    uncounted += buf.readableBytes();
    demuxer.feed(buf);
    countBytes(false);
  }

  public StreamKey key() {
    return request.key();
  }

  /** True once the input stream is open (and not closed). */
  public boolean isPublished() {
    return writer != null && !closed;
  }

  public boolean isClosed() {
    return closed;
  }

  /** The demuxer's tracks (empty before they are known). */
  public List<Track> tracks() {
    return demuxer.tracks();
  }

  /** Ends the input stream (when open) and releases what the demuxer holds. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    demuxer.close();
    StreamWriter w = writer;
    if (w != null) {
      countBytes(true);
      writer = null;
      w.close();
      LOG.info("MPEG-TS {} from {}: input stream closed", request.key(), request.remote());
    }
  }

  private void countBytes(boolean now) {
    if (writer == null || uncounted == 0) {
      return;
    }
    long t = System.nanoTime();
    if (now || uncounted >= COUNT_BYTES_EVERY || t - countedAt >= COUNT_NANOS_EVERY) {
      writer.countBytesIn(uncounted);
      uncounted = 0;
      countedAt = t;
    }
  }

  private final class Listener implements TsDemuxer.Listener {
    @Override
    public void onTracks(List<Track> tracks) {
      if (closed) {
        return;
      }
      publish();
      LOG.info("MPEG-TS {} from {}: tracks {}", request.key(), request.remote(), tracks);
      writer.setTracks(tracks);
    }

    @Override
    public void onPacket(MediaPacket packet) {
      if (writer == null || closed) {
        packet.payload().release();
        return;
      }
      writer.write(packet);
    }
  }
}
