package dev.kiln.recorder.internal.task;

import static dev.kiln.recorder.internal.task.Fakes.AUDIO;
import static dev.kiln.recorder.internal.task.Fakes.VIDEO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.record.RecordedFile;
import dev.kiln.api.record.Recording;
import dev.kiln.api.record.RecordingRequest;
import dev.kiln.api.storage.StorageRoots;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.kiln.proto.v1.ListRecordsRequest;
import dev.kiln.proto.v1.RecordTask;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StopRecordRequest;
import dev.kiln.proto.v1.StreamSelector;
import dev.kiln.recorder.internal.info.FileEntry;
import dev.kiln.recorder.internal.info.InfoFile;
import dev.kiln.api.media.Track;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {
    @TempDir
    Path dir;

    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Registry registry = new Fakes.Registry();
    private final Fakes.Writers writers = new Fakes.Writers();

    private Recorder recorder() {
        Recorder r = new Recorder(registry, store,
                new StorageRoots("record folders", List.of(dir.resolve("records"))), writers,
                Clock.systemDefaultZone());
        r.restore();
        return r;
    }

    private static StartRecordRequest.Builder request(String id, String stream) {
        return StartRecordRequest.newBuilder().setVhost("default").setApp("app").setId(id)
                .setStream(StreamSelector.newBuilder().setName(stream));
    }

    private static StopRecordRequest stop(String id) {
        return StopRecordRequest.newBuilder().setVhost("default").setApp("app").setId(id).build();
    }

    private Fakes.Stream publish(Recorder r, String name, Track... tracks) {
        Fakes.Stream s = new Fakes.Stream(name, List.of(tracks));
        registry.outputs.put(s.key(), s);
        r.streamAvailable(s);
        return s;
    }

    private List<Path> files(String glob) throws Exception {
        Path folder = dir.resolve("records");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> l = Files.walk(folder)) {
            var m = folder.getFileSystem().getPathMatcher("glob:" + glob);
            return l.filter(p -> m.matches(p.getFileName())).sorted().toList();
        }
    }

    @AfterEach
    void noLeakedPayloads() {
        assertThat(Fakes.HeapPayload.LIVE.get()).as("payloads not released").isZero();
    }

    @Test
    void aReservedTaskStartsWhenItsStreamAppearsAndStopFinishesTheFile() throws Exception {
        Recorder r = recorder();
        RecordTask created = r.start(request("a", "cam").build());
        assertThat(created.getState()).isEqualTo("ready");
        assertThat(created.getCreatedTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d");
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.packet(0, 0, false); // before the first key frame: not written
        cam.media(100, 2100);
        RecordTask during = r.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").build()).get(0);
        assertThat(during.getState()).isEqualTo("recording");
        assertThat(during.getOutputFilePath()).endsWith(".ts");
        assertThat(files("*.part")).hasSize(1);
        RecordTask stopped = r.stop(stop("a"));
        assertThat(stopped.getState()).isEqualTo("stopped");
        assertThat(files("*.part")).isEmpty();
        List<Path> ts = files("*.ts");
        assertThat(ts).hasSize(1);
        List<String> lines = Files.readAllLines(ts.get(0));
        assertThat(lines.get(1)).as("first packet is the key frame at 0").isEqualTo("0 0 K");
        assertThat(stopped.getRecordTime()).isBetween(1900L, 2000L);
        List<FileEntry> info = InfoFile.read(Path.of(stopped.getOutputInfoPath()));
        assertThat(info).singleElement().satisfies(e -> {
            assertThat(e.filePath()).isEqualTo(ts.get(0).toString());
            assertThat(e.sequence()).isZero();
            assertThat(e.lastSequence()).isTrue();
        });
        assertThat(store.list(TaskStore.KIND)).as("a stopped task is not kept").isEmpty();
        assertThat(cam.closed).isTrue();
    }

    @Test
    void spiRecordingsFollowAnInputStreamReportEachFileAndAreNotStored() throws Exception {
        Recorder r = recorder();
        List<RecordedFile> done = new CopyOnWriteArrayList<>();
        StreamKey key = new StreamKey("default", "app", "cam");
        assertThatThrownBy(() -> r.record(new RecordingRequest("bad", key, "callaba/bad", "mkv", done::add)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[container]");
        Recording rec = r.record(new RecordingRequest("t1", key, "callaba/t1", "flv", done::add));
        assertThatThrownBy(() -> r.record(new RecordingRequest("t1", key, "callaba/t1", "flv", done::add)))
                .isInstanceOf(ConflictException.class);
        Fakes.Stream output = publish(r, "cam", VIDEO, AUDIO);
        assertThat(output.sink).as("an output stream of that name is not recorded").isNull();
        Fakes.Stream cam = new Fakes.Stream("cam", List.of(VIDEO, AUDIO));
        cam.input = true;
        r.streamAvailable(cam);
        cam.media(0, 2000);
        assertThat(rec.writing()).isTrue();
        assertThat(rec.totalBytes()).isPositive();
        cam.sink.onEnd();
        assertThat(rec.writing()).isFalse();
        assertThat(done).singleElement().satisfies(f -> {
            assertThat(f.path().toString()).endsWith("_0.flv").contains("records/callaba/t1/");
            assertThat(f.path()).exists();
            assertThat(f.bytes()).isEqualTo(Files.size(f.path()));
            assertThat(f.durationMillis()).isBetween(1900L, 2000L);
        });
        Fakes.Stream again = new Fakes.Stream("cam", List.of(VIDEO, AUDIO));
        again.input = true;
        r.streamAvailable(again);
        again.media(0, 1000);
        rec.stop();
        assertThat(done).hasSize(2);
        assertThat(done.get(1).path().toString()).endsWith("_1.flv");
        assertThat(again.closed).isTrue();
        assertThat(store.list(TaskStore.KIND)).isEmpty();
        assertThat(r.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").build())).isEmpty();
        r.record(new RecordingRequest("t1", key, "callaba/t1", "mp4", done::add)).stop();
    }

    @Test
    void duplicateIdsConflictUntilTheTaskIsStopped() {
        Recorder r = recorder();
        r.start(request("a", "cam").build());
        assertThatThrownBy(() -> r.start(request("a", "other").build())).isInstanceOf(ConflictException.class);
        r.stop(stop("a"));
        assertThat(r.start(request("a", "other").build()).getState()).isEqualTo("ready");
        assertThatThrownBy(() -> r.stop(stop("nope"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void unknownVariantIs400WhenTheStreamExistsAndAnErrorStateWhenItAppearsLater() {
        Recorder r = recorder();
        publish(r, "live", VIDEO, AUDIO);
        assertThatThrownBy(() -> r.start(request("v", "live")
                .setStream(StreamSelector.newBuilder().setName("live").addVariantNames("nope")).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[stream.variantNames]");
        r.start(request("w", "later").setStream(StreamSelector.newBuilder().setName("later")
                .addVariantNames("nope")).build());
        publish(r, "later", VIDEO, AUDIO);
        assertThat(r.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").setId("w").build()))
                .singleElement().satisfies(t -> {
                    assertThat(t.getState()).isEqualTo("error");
                    assertThat(t.getMessage()).contains("nope");
                });
    }

    @Test
    void intervalSplitsAtKeyFramesAndDiscontinuityStartsEachFileAtZero() throws Exception {
        Recorder r = recorder();
        r.start(request("i", "cam").setInterval(2000).setFilePath("${Sequence}.ts").build());
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.media(0, 6500);
        r.stop(stop("i"));
        List<Path> ts = files("*.ts");
        assertThat(ts).extracting(p -> p.getFileName().toString()).containsExactly("0.ts", "1.ts", "2.ts");
        for (Path p : ts) {
            assertThat(Files.readAllLines(p).get(1)).as(p + " starts with a key frame at 0").isEqualTo("0 0 K");
        }
    }

    @Test
    void continuityKeepsTimestampsRunning() throws Exception {
        Recorder r = recorder();
        r.start(request("c", "cam").setInterval(2000).setSegmentationRule("continuity")
                .setFilePath("${Sequence}.ts").build());
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.media(5000, 9500); // key frames every 990 ms: the split lands on 7970
        r.stop(stop("c"));
        assertThat(Files.readAllLines(dir.resolve("records/0.ts")).get(1)).isEqualTo("0 0 K");
        assertThat(Files.readAllLines(dir.resolve("records/1.ts")).get(1)).isEqualTo("0 2970 K");
    }

    @Test
    void theStreamGoingAwayFinishesTheFileAndItsReturnResumesWithTheNextSequence() throws Exception {
        Recorder r = recorder();
        r.start(request("d", "cam").setFilePath("${Sequence}.mp4").build());
        Fakes.Stream first = publish(r, "cam", VIDEO, AUDIO);
        first.media(0, 1000);
        first.sink.onEnd();
        assertThat(r.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").build()).get(0)
                .getState()).isEqualTo("ready");
        Fakes.Stream second = publish(r, "cam", VIDEO, AUDIO);
        second.media(0, 1000);
        RecordTask t = r.stop(stop("d"));
        assertThat(t.getSequence()).isEqualTo(1);
        assertThat(Files.exists(dir.resolve("records/0.mp4"))).isTrue();
        assertThat(Files.exists(dir.resolve("records/1.mp4"))).isTrue();
    }

    @Test
    void variantNamesSelectTracks() throws Exception {
        Recorder r = recorder();
        r.start(request("au", "cam").setFilePath("audio.ts")
                .setStream(StreamSelector.newBuilder().setName("cam").addVariantNames("aac")).build());
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.media(0, 500);
        r.stop(stop("au"));
        List<String> lines = Files.readAllLines(dir.resolve("records/audio.ts"));
        assertThat(lines.get(0)).isEqualTo("tracks 1");
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.startsWith("0 "));
    }

    @Test
    void tasksSurviveARestartAndACrashedFileIsFinishedAtStart() throws Exception {
        Recorder r = recorder();
        r.start(request("k", "cam").setFilePath("${Sequence}.mp4").build());
        r.start(request("reserved", "none").build());
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.media(0, 1000);
        assertThat(files("*.part")).hasSize(1);
        // "kill -9": no close; a new recorder on the same store and folder
        registry.outputs.clear();
        Recorder again = recorder();
        assertThat(files("*.part")).isEmpty();
        assertThat(Files.exists(dir.resolve("records/0.mp4"))).isTrue();
        List<RecordTask> tasks = again.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").build());
        assertThat(tasks).extracting(RecordTask::getId, RecordTask::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k", "ready"),
                        org.assertj.core.groups.Tuple.tuple("reserved", "ready"));
        assertThat(InfoFile.read(Path.of(tasks.get(0).getOutputInfoPath()))).hasSize(1);
        Fakes.Stream back = publish(again, "cam", VIDEO, AUDIO);
        back.media(0, 1000);
        assertThat(again.stop(stop("k")).getSequence()).isEqualTo(1);
        assertThat(Files.exists(dir.resolve("records/1.mp4"))).isTrue();
        cam.sink.onEnd(); // the first recorder's subscription ends; nothing more happens
    }

    @Test
    void aWriteErrorPutsTheTaskInErrorAndKeepsWhatWasWritten() throws Exception {
        Recorder r = recorder();
        r.start(request("full", "cam").setFilePath("full.ts").build());
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.media(0, 500);
        writers.failWrites = true;
        cam.media(500, 1000);
        RecordTask t = r.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").build()).get(0);
        assertThat(t.getState()).isEqualTo("error");
        assertThat(t.getMessage()).isNotBlank();
        assertThat(Files.exists(dir.resolve("records/full.ts"))).isTrue();
        assertThat(cam.closed).isTrue();
    }

    @Test
    void anUnwritableFolderPutsTheTaskInError() throws Exception {
        Files.createDirectories(dir.resolve("records"));
        Files.writeString(dir.resolve("records/blocker"), "a file where a folder should be");
        Recorder r = recorder();
        r.start(request("nowrite", "cam").setFilePath("blocker/x.ts").build());
        Fakes.Stream cam = publish(r, "cam", VIDEO, AUDIO);
        cam.media(0, 500);
        assertThat(r.list(ListRecordsRequest.newBuilder().setVhost("default").setApp("app").build()).get(0)
                .getState()).isEqualTo("error");
    }
}
