package dev.kiln.ingest.rtmp.internal.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackTableTest {
  private static final Track VIDEO = Track.video(0, Codec.H264, 1000, 1280, 720, new byte[] {1});
  private static final Track AUDIO = Track.audio(1, Codec.AAC, 1000, 48000, 2, new byte[] {2});
  private static final long SECOND = 1_000_000_000L;

  private final TrackTable table = new TrackTable();

  @Test
  void declaresOnceBothAnnouncedTracksAreKnown() {
    table.announce(Map.of("videocodecid", 7.0, "audiocodecid", 10.0));
    assertThat(table.toDeclare(0)).isNull();
    table.put(VIDEO, 0);
    assertThat(table.toDeclare(0)).isNull();
    assertThat(table.isDeclared(0)).isFalse();
    table.put(AUDIO, SECOND / 10);
    assertThat(table.toDeclare(SECOND / 10)).containsExactly(VIDEO, AUDIO);
    assertThat(table.isDeclared(0)).isTrue();
    assertThat(table.isDeclared(1)).isTrue();
    assertThat(table.toDeclare(SECOND)).as("nothing new").isNull();
  }

  @Test
  void declaresWhatIsKnownWhenTheWaitIsOver() {
    table.put(VIDEO, 5 * SECOND);
    assertThat(table.toDeclare(6 * SECOND)).isNull();
    assertThat(table.toDeclare(7 * SECOND)).containsExactly(VIDEO);
    assertThat(table.isDeclared(1)).isFalse();
    table.put(AUDIO, 9 * SECOND);
    assertThat(table.toDeclare(9 * SECOND)).as("a late track re-declares").containsExactly(VIDEO, AUDIO);
  }

  @Test
  void metadataWithoutAudioDeclaresOnTheVideoHeader() {
    table.announce(Map.of("videocodecid", 7.0, "width", 1280.0));
    table.put(VIDEO, 0);
    assertThat(table.toDeclare(0)).containsExactly(VIDEO);
  }

  @Test
  void aChangedSequenceHeaderRedeclaresAndTheSameOneDoesNot() {
    table.announce(Map.of("videocodecid", 7.0));
    table.put(VIDEO, 0);
    assertThat(table.toDeclare(0)).containsExactly(VIDEO);
    table.put(Track.video(0, Codec.H264, 1000, 1280, 720, new byte[] {1}), SECOND);
    assertThat(table.toDeclare(SECOND)).isNull();
    Track smaller = Track.video(0, Codec.H264, 1000, 640, 360, new byte[] {3});
    table.put(smaller, 2 * SECOND);
    assertThat(table.toDeclare(2 * SECOND)).containsExactly(smaller);
  }

  @Test
  void metadataWithoutCodecIdsChangesNothing() {
    table.announce(Map.of("width", 1280.0));
    table.put(VIDEO, 0);
    assertThat(table.toDeclare(SECOND)).as("still waiting for audio").isNull();
    assertThat(table.toDeclare(2 * SECOND)).containsExactly(VIDEO);
  }
}
