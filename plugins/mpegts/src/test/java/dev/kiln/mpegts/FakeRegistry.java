package dev.kiln.mpegts;

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
 * A {@link StreamRegistry} for tests: {@code publish} answers with {@link #onPublish} (a
 * recording writer by default), and every request is kept.
 */
final class FakeRegistry implements StreamRegistry {
  final List<PublishRequest> requests = new CopyOnWriteArrayList<>();
  final List<String> resolvedHosts = new CopyOnWriteArrayList<>();
  final List<Writer> writers = new CopyOnWriteArrayList<>();
  volatile Function<PublishRequest, StreamWriter> onPublish = request -> {
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
  public String resolveVhost(String host) {
    resolvedHosts.add(host);
    return "example.com".equals(host) ? "vh" : "default";
  }

  /** A packet as written: its fields and a copy of the payload (the payload is released). */
  record Packet(int trackId, long pts, long dts, boolean keyframe, byte[] bytes) {}

  /** Records what the source does. */
  static final class Writer implements StreamWriter {
    final StreamKey key;
    final List<List<Track>> trackLists = new CopyOnWriteArrayList<>();
    final List<Packet> packets = new CopyOnWriteArrayList<>();
    volatile long bytesIn;
    volatile int closes;
    volatile RuntimeException failOnWrite;

    Writer(StreamKey key) {
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
