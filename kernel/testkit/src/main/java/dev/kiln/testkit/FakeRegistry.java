package dev.kiln.testkit;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link StreamRegistry} for the tests of ingest bundles: {@code publish} answers with
 * {@link #onPublish} (a recording writer by default), and every request is kept. Host names
 * resolve to vhost {@code vh} for {@code example.com}, {@code default} otherwise.
 */
public final class FakeRegistry implements StreamRegistry {
  public final List<PublishRequest> requests = new CopyOnWriteArrayList<>();
  public final List<String> resolvedHosts = new CopyOnWriteArrayList<>();
  public final List<Writer> writers = new CopyOnWriteArrayList<>();
  public volatile Function<PublishRequest, StreamWriter> onPublish = request -> {
    Writer w = new Writer(request.key());
    writers.add(w);
    return w;
  };

  @Override
  public StreamWriter publish(PublishRequest request) {
    requests.add(request);
    return onPublish.apply(request);
  }

  @Override
  public Optional<LiveStream> findInput(StreamKey key) {
    return Optional.empty();
  }

  @Override
  public Optional<LiveStream> findOutput(StreamKey key) {
    return Optional.empty();
  }

  @Override
  public List<LiveStream> inputs(String vhost, String app) {
    return List.of();
  }

  @Override
  public List<LiveStream> outputs(String vhost, String app) {
    return List.of();
  }

  @Override
  public List<LiveStream> outputs() {
    return List.of();
  }

  @Override
  public String resolveVhost(String host) {
    resolvedHosts.add(host);
    return "example.com".equals(host) ? "vh" : "default";
  }

  /** A packet as written: its fields and a copy of the payload (the payload is released). */
  public record Packet(int trackId, long pts, long dts, boolean keyframe, byte[] bytes) {}

  /** Records what the source does. */
  public static final class Writer implements StreamWriter {
    public final StreamKey key;
    public final List<List<Track>> trackLists = new CopyOnWriteArrayList<>();
    public final List<Packet> packets = new CopyOnWriteArrayList<>();
    public volatile long bytesIn;
    public volatile int closes;
    public volatile RuntimeException failOnWrite;

    public Writer(StreamKey key) {
      this.key = key;
    }

    @Override
    public StreamKey key() {
      return key;
    }

    @Override
    public void setTracks(List<Track> tracks) {
      trackLists.add(List.copyOf(tracks));
    }

    @Override
    public void write(MediaPacket packet) {
      try {
        if (failOnWrite != null) {
          throw failOnWrite;
        }
        packets.add(new Packet(packet.trackId(), packet.pts(), packet.dts(), packet.keyframe(),
            packet.payload().toByteArray()));
      } finally {
        packet.payload().release();
      }
    }

    @Override
    public void countBytesIn(long bytes) {
      bytesIn += bytes;
    }

    @Override
    public void close() {
      closes++;
    }
  }
}
