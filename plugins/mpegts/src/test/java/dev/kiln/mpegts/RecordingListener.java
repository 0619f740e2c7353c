package dev.kiln.mpegts;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import java.util.ArrayList;
import java.util.List;

/** Keeps what a demuxer reports: the track declarations and each packet (payload copied, then released). */
final class RecordingListener implements TsDemuxer.Listener {
  record Packet(int trackId, long pts, long dts, boolean keyframe, byte[] data) {}

  final List<List<Track>> declarations = new ArrayList<>();
  final List<Packet> packets = new ArrayList<>();

  @Override
  public void onTracks(List<Track> tracks) {
    declarations.add(tracks);
  }

  @Override
  public void onPacket(MediaPacket packet) {
    try {
      packets.add(new Packet(packet.trackId(), packet.pts(), packet.dts(), packet.keyframe(),
          packet.payload().toByteArray()));
    } finally {
      packet.payload().release();
    }
  }

  List<Packet> of(int trackId) {
    return packets.stream().filter(p -> p.trackId() == trackId).toList();
  }

  List<Track> lastTracks() {
    return declarations.isEmpty() ? List.of() : declarations.get(declarations.size() - 1);
  }
}
