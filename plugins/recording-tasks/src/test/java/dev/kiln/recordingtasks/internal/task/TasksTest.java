package dev.kiln.recordingtasks.internal.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Value;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.record.RecordedFile;
import dev.kiln.api.record.Recording;
import dev.kiln.api.record.RecordingRequest;
import dev.kiln.api.record.StreamRecorder;
import dev.kiln.proto.v1.RecordingInput;
import dev.kiln.proto.v1.RecordingTask;
import dev.kiln.proto.v1.RecordingTaskRequest;
import dev.kiln.proto.v1.RecordingTranscoding;
import dev.kiln.proto.v1.RecordingListenPort;
import dev.kiln.recordingtasks.internal.input.Inputs;
import dev.kiln.recordingtasks.internal.input.ListenPorts;
import dev.kiln.recordingtasks.internal.transcode.FakeStreams;
import dev.kiln.recordingtasks.internal.transcode.Transcodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TasksTest {
    @TempDir
    Path dir;

    private final MemoryStore store = new MemoryStore();
    private final FakeRecorder recorder = new FakeRecorder();

    private final FakeStreams streams = new FakeStreams();
    private volatile TranscoderFactory codec;

    private Tasks tasks() {
        return new Tasks(store, new Inputs(null, "127.0.0.1"), new ListenPorts(null), recorder,
                new Transcodes(streams.registry(), () -> Optional.ofNullable(codec)), Clock.systemUTC());
    }

    private static RecordingTaskRequest.Builder rtmp(String name, String stream, String format) {
        return RecordingTaskRequest.newBuilder().setRecordingName(name).setRecordingType("RECORDING_STREAM_TO_FILE")
                .setInput(RecordingInput.newBuilder().setInputType("INPUT_TYPE_RTMP_SOFTWARE")
                        .setInputModuleId("app").setInputStreamId(stream))
                .setOutputFormat(format);
    }

    @Test
    void createStartsARecordingOfThePublishedStreamUnlessInactive() {
        try (Tasks t = tasks()) {
            String id = t.create(rtmp("a", "s1", "mp4").build()).getId();
            assertThat(id).matches("[0-9a-f]{24}");
            assertThat(recorder.requests).hasSize(1);
            RecordingRequest r = recorder.requests.get(0);
            assertThat(r.stream()).isEqualTo(new StreamKey("default", "app", "s1"));
            assertThat(r.container()).isEqualTo("mp4");
            assertThat(r.folder()).isEqualTo("callaba/" + id);
            String idle = t.create(rtmp("b", "s2", "flv").setActive(false).build()).getId();
            assertThat(recorder.requests).hasSize(1);
            assertThat(t.get(idle).getActive()).isFalse();
            assertThat(t.stats()).extracting(s -> s.getId()).containsExactly(id, idle);
        }
    }

    @Test
    void badDefinitionsNameTheField() {
        try (Tasks t = tasks()) {
            assertThatThrownBy(() -> t.create(rtmp("", "s", "mp4").build())).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("[recording_name]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").clearRecordingType().build()))
                    .hasMessageContaining("[recording_type]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").clearInput().build()))
                    .hasMessageContaining("[input]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").clearOutputFormat().build()))
                    .hasMessageContaining("[output_format]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "webm").build()))
                    .hasMessageContaining("[output_format]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setTranscoding(
                    RecordingTranscoding.newBuilder().setVideoTranscoding(
                    Value.newBuilder().setStringValue("h264_720p"))).build()))
                    .hasMessageContaining("[transcoding.video_transcoding]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setInput(RecordingInput.newBuilder()
                    .setInputType("INPUT_TYPE_RTSP_URL").setInputStreamUrl("http://x/y")).build()))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[input.input_stream_url]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setInput(RecordingInput.newBuilder()
                    .setInputType("INPUT_TYPE_SRT_URL")).build()))
                    .hasMessageContaining("[input.input_stream_url]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setInput(RecordingInput.newBuilder()
                    .setInputType("INPUT_TYPE_UDP_LISTEN")).build()))
                    .hasMessageContaining("[input.input_stream_listen_port]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setInput(RecordingInput.newBuilder()
                    .setInputType("INPUT_TYPE_SRT_LISTEN").setInputStreamListenPort(
                            RecordingListenPort.newBuilder().setPort(2035).setTransport("TCP"))).build()))
                    .hasMessageContaining("[input.input_stream_listen_port.transport]");
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setInput(RecordingInput.newBuilder()
                    .setInputType("INPUT_TYPE_GENERATE_TEST_VIDEO").setResolutionWidth(641)).build()))
                    .hasMessageContaining("[input.resolution_width]");
            t.create(rtmp("a", "s", "mp4").build());
            assertThatThrownBy(() -> t.create(rtmp("a", "t", "mov").build())).isInstanceOf(ConflictException.class)
                    .hasMessageContaining("[recording_name]");
            assertThatThrownBy(() -> t.get("abc")).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[id]");
            assertThatThrownBy(() -> t.get("0123456789abcdef01234567")).isInstanceOf(NotFoundException.class);
            assertThat(t.all()).hasSize(1);
        }
    }

    @Test
    void aTaskThatTranscodesRecordsTheCodecPluginsStreamAndNeedsThePlugin() {
        RecordingTranscoding h265 = RecordingTranscoding.newBuilder()
                .setVideoTranscoding(Value.newBuilder().setStringValue("h265"))
                .setAudioTranscoding(Value.newBuilder().setStringValue("Disabled")).build();
        try (Tasks t = tasks()) {
            assertThatThrownBy(() -> t.create(rtmp("a", "s", "mp4").setTranscoding(h265).build()))
                    .isInstanceOf(NotImplementedException.class).hasMessageContaining("codec plugin");
            assertThat(t.all()).isEmpty();
            assertThat(recorder.requests).isEmpty();

            codec = streams.codec();
            String id = t.create(rtmp("a", "s", "mp4").setTranscoding(h265).build()).getId();
            assertThat(recorder.requests).hasSize(1);
            assertThat(recorder.requests.get(0).stream())
                    .isEqualTo(new StreamKey("default", "app", "callaba_transcode_" + id));
            assertThat(t.get(id).getTranscoding()).isEqualTo(h265);

            t.update(RecordingTaskRequest.newBuilder().setId(id).setActive(false).build());
            codec = null;
            assertThatThrownBy(() -> t.start(id)).isInstanceOf(NotImplementedException.class)
                    .hasMessageContaining("[transcoding]");
            assertThat(recorder.requests).hasSize(1);
        }
    }

    @Test
    void aListenPortIsHeldByOneTaskAndTheConflictNamesIt() {
        try (Tasks t = tasks()) {
            RecordingInput.Builder listen = RecordingInput.newBuilder().setInputType("INPUT_TYPE_SRT_LISTEN")
                    .setInputStreamListenPort(RecordingListenPort.newBuilder().setPort(2035).setTransport("UDP"));
            String first = t.create(rtmp("a", "s", "mp4").setInput(listen).setActive(false).build()).getId();
            // Callaba's documented form: an SRT_URL type with a listen port.
            RecordingInput.Builder same = RecordingInput.newBuilder().setInputType("INPUT_TYPE_SRT_URL")
                    .setInputStreamListenPort(RecordingListenPort.newBuilder().setPort(2035));
            assertThatThrownBy(() -> t.create(rtmp("b", "s", "mp4").setInput(same).setActive(false).build()))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("[input.input_stream_listen_port]").hasMessageContaining("2035")
                    .hasMessageContaining(first);
            RecordingInput.Builder tcp = RecordingInput.newBuilder().setInputType("INPUT_TYPE_RTMP_LISTEN")
                    .setInputStreamListenPort(RecordingListenPort.newBuilder().setPort(2035));
            t.create(rtmp("c", "s", "mp4").setInput(tcp).setActive(false).build());
        }
    }

    @Test
    void anUpdateWhileRecordingAppliesOnTheNextStart() {
        try (Tasks t = tasks()) {
            String id = t.create(rtmp("a", "s", "mp4").build()).getId();
            t.update(RecordingTaskRequest.newBuilder().setId(id).setOutputFormat("avi").build());
            assertThat(t.get(id).getOutputFormat()).isEqualTo("avi");
            assertThat(t.get(id).getRecordingName()).isEqualTo("a");
            assertThat(recorder.requests).hasSize(1);
            assertThat(recorder.recordings.get(0).stopped).isFalse();
            t.stop(id);
            assertThat(recorder.recordings.get(0).stopped).isTrue();
            assertThat(t.get(id).getActive()).isFalse();
            t.start(id);
            assertThat(recorder.requests).hasSize(2);
            assertThat(recorder.requests.get(1).container()).isEqualTo("avi");
        }
    }

    @Test
    void finishedFilesAreListedAndRemovedFilesLeaveTheDisk() throws Exception {
        try (Tasks t = tasks()) {
            String id = t.create(rtmp("a", "s", "mp4").build()).getId();
            Path file = Files.write(dir.resolve("f.mp4"), new byte[1234]);
            OffsetDateTime now = OffsetDateTime.now();
            recorder.requests.get(0).listener().fileFinished(new RecordedFile(file, 1234, 5500, now, now));
            RecordingTask task = t.get(id);
            assertThat(task.getRecordedFilesList()).hasSize(1);
            var f = task.getRecordedFiles(0);
            assertThat(f.getName()).isEqualTo("f.mp4");
            assertThat(f.getSize()).isEqualTo(1234);
            assertThat(f.getDuration()).isEqualTo(5.5);
            assertThatThrownBy(() -> t.removeFile(id, "0123456789abcdef01234567")).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("[file_id]");
            t.removeFile(id, f.getId());
            assertThat(file).doesNotExist();
            assertThat(t.get(id).getRecordedFilesList()).isEmpty();
        }
    }

    @Test
    void tasksComeBackAfterARestartAndActiveOnesRecordAgain() {
        String active;
        String idle;
        try (Tasks t = tasks()) {
            active = t.create(rtmp("a", "s", "mp4").build()).getId();
            idle = t.create(rtmp("b", "s", "mov").setActive(false).build()).getId();
        }
        assertThat(recorder.recordings.get(0).stopped).isTrue();
        try (Tasks t = tasks()) {
            t.restore();
            assertThat(t.all()).extracting(RecordingTask::getId).containsExactly(active, idle);
            assertThat(recorder.requests).hasSize(2);
            assertThat(recorder.requests.get(1).name()).isEqualTo(active);
            t.remove(idle);
        }
        try (Tasks t = tasks()) {
            t.restore();
            assertThat(t.all()).extracting(RecordingTask::getId).containsExactly(active);
        }
    }

    /** Records what is asked of the recorder. */
    static final class FakeRecorder implements StreamRecorder {
        final List<RecordingRequest> requests = new CopyOnWriteArrayList<>();
        final List<FakeRecording> recordings = new CopyOnWriteArrayList<>();

        @Override
        public Recording record(RecordingRequest request) {
            requests.add(request);
            FakeRecording r = new FakeRecording();
            recordings.add(r);
            return r;
        }
    }

    static final class FakeRecording implements Recording {
        volatile boolean stopped;

        @Override
        public boolean writing() {
            return !stopped;
        }

        @Override
        public long totalBytes() {
            return 0;
        }

        @Override
        public String error() {
            return "";
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}
