package dev.kiln.recordingtasks.internal.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.proto.v1.RecordingTranscoding;
import dev.kiln.recordingtasks.internal.input.InputSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TranscodesTest {
    private static final StreamKey IN = new StreamKey("default", "app", "cam");
    private static final StreamKey OUT = new StreamKey("default", "app", "callaba_transcode_t1");

    private final FakeStreams streams = new FakeStreams();
    private volatile TranscoderFactory codec;
    private final Transcodes transcodes = new Transcodes(streams.registry(), () -> Optional.ofNullable(codec));
    private final Source source = new Source();

    private static Transcoding h265VideoAudioPassedThrough() throws Exception {
        RecordingTranscoding.Builder b = RecordingTranscoding.newBuilder();
        JsonFormat.parser().merge("{\"video_transcoding\":\"h265\",\"audio_transcoding\":\"Disabled\"}", b);
        return Transcoding.of(b.build());
    }

    @Test
    void aRemuxRecordsTheInputItself() {
        assertThat(transcodes.wrap("t1", source, Transcoding.REMUX, false)).isSameAs(source);
    }

    @Test
    void withoutTheCodecPluginAStartFailsNamingIt() throws Exception {
        Transcoding t = h265VideoAudioPassedThrough();
        assertThatThrownBy(() -> transcodes.wrap("t1", source, t, false)).isInstanceOf(NotImplementedException.class)
                .hasMessageContaining("[transcoding]").hasMessageContaining("codec plugin")
                .hasMessageContaining("H265");
        assertThat(streams.published).isEmpty();
    }

    @Test
    void theTranscoderRunsWhileTheInputIsLiveAndWritesTheRecordedStream() throws Exception {
        codec = streams.codec();
        InputSource wrapped = transcodes.wrap("t1", source, h265VideoAudioPassedThrough(), false);
        assertThat(wrapped.stream()).isEqualTo(OUT);
        assertThat(streams.started).isEmpty();

        LiveStream first = streams.input(IN);
        transcodes.inputLive(streams.input(new StreamKey("default", "app", "other")));
        transcodes.inputLive(first);
        transcodes.inputLive(first); // its tracks: the same stream, nothing more
        assertThat(streams.started).hasSize(1);
        FakeStreams.Started s = streams.started.get(0);
        assertThat(s.input).isSameAs(first);
        assertThat(s.output.key()).isEqualTo(OUT);
        assertThat(s.spec.encodes()).hasSize(2);
        assertThat(s.spec.encodes().get(0).bypass()).isFalse();
        assertThat(s.spec.encodes().get(0).codec()).isEqualTo(Codec.H265);
        assertThat(s.spec.encodes().get(1).bypass()).isTrue();
        assertThat(streams.published).hasSize(1);
        assertThat(streams.published.get(0).request.key()).isEqualTo(OUT);

        transcodes.inputClosed(first);
        assertThat(s.closed).isTrue();
        assertThat(streams.published.get(0).closed).isTrue();

        LiveStream second = streams.input(IN);
        transcodes.inputLive(second);
        assertThat(streams.started).hasSize(2);
        assertThat(streams.published).hasSize(2);

        wrapped.close();
        assertThat(streams.started.get(1).closed).isTrue();
        assertThat(streams.published.get(1).closed).isTrue();
        assertThat(source.closed).isTrue();
        transcodes.inputLive(streams.input(IN));
        assertThat(streams.started).hasSize(2);
    }

    @Test
    void aRestoredTaskWaitsForTheCodecPlugin() throws Exception {
        LiveStream input = streams.input(IN);
        streams.live.put(IN, input);
        InputSource wrapped = transcodes.wrap("t1", source, h265VideoAudioPassedThrough(), true);
        transcodes.inputLive(input);
        assertThat(streams.started).isEmpty();
        assertThat(streams.published).isEmpty();

        codec = streams.codec();
        transcodes.codecChanged();
        assertThat(streams.started).hasSize(1);
        assertThat(streams.started.get(0).input).isSameAs(input);

        codec = null;
        transcodes.codecChanged();
        assertThat(streams.started.get(0).closed).isTrue();
        assertThat(streams.published.get(0).closed).isTrue();
        wrapped.close();
    }

    @Test
    void anInputLiveAtTheStartIsTranscodedAtOnce() throws Exception {
        codec = streams.codec();
        LiveStream input = streams.input(IN);
        streams.live.put(IN, input);
        try (InputSource wrapped = transcodes.wrap("t1", source, h265VideoAudioPassedThrough(), false)) {
            assertThat(streams.started).hasSize(1);
            transcodes.inputLive(input); // the event of its creation, late: nothing more
            assertThat(streams.started).hasSize(1);
        }
    }

    private static final class Source implements InputSource {
        volatile boolean closed;

        @Override
        public StreamKey stream() {
            return IN;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
