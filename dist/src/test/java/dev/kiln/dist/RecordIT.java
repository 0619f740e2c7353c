package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The recorder bundle end to end: ffmpeg publishes H.264 + AAC (key frame every second) over
 * RTMP, tasks are made through the REST API, and the files are checked with ffprobe.
 */
class RecordIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final double GOP = 1.0;
    /**
     * A full recording of the default output profile: bypass_video, opus (made by the codec
     * plugin, which the distribution ships) and aac (AAC passed through).
     */
    private static final List<String> DEFAULT_OUTPUT = List.of("video", "audio", "audio");

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("record")
            .distributionPlugins()
            .env("KILN_INPUT_TIMEOUT", "3"));

    @Test
    void badRequestsAreRefusedNamingTheField() {
        KilnApi api = KILN.api();
        ok(start(api, "{\"id\":\"dup\",\"stream\":{\"name\":\"nothing\"}}"));
        assertThat(error(start(api, "{\"id\":\"dup\",\"stream\":{\"name\":\"nothing\"}}"), 409)).contains("dup");
        assertThat(error(start(api, "{\"stream\":{\"name\":\"x\"}}"), 400)).contains("[id]");
        assertThat(error(start(api, "{\"id\":\"n\"}"), 400)).contains("[stream.name]");
        assertThat(error(start(api, "{\"id\":\"b\",\"stream\":{\"name\":\"x\"},\"interval\":1000,\"schedule\":\"*/5 * *\"}"),
                400)).contains("[interval]", "[schedule]");
        assertThat(error(start(api, "{\"id\":\"c\",\"stream\":{\"name\":\"x\"},\"schedule\":\"*/5 *\"}"), 400))
                .contains("[schedule]");
        assertThat(error(start(api, "{\"id\":\"d\",\"stream\":{\"name\":\"x\"},\"filePath\":\"../../x.ts\"}"), 400))
                .contains("[filePath]");
        assertThat(error(start(api, "{\"id\":\"e\",\"stream\":{\"name\":\"x\"},\"infoPath\":\"/etc/x.xml\"}"), 400))
                .contains("[infoPath]");
        assertThat(error(api.post("/v1/vhosts/default/apps/nope:startRecord",
                "{\"id\":\"f\",\"stream\":{\"name\":\"x\"}}"), 404)).contains("default/nope");
        ok(api.post("/v1/vhosts/default/apps/app:stopRecord", "{\"id\":\"dup\"}"));
        assertThat(error(api.post("/v1/vhosts/default/apps/app:stopRecord", "{\"id\":\"never\"}"), 404))
                .contains("never");
    }

    @Test
    void singleFilesInMp4AndTsAndAnAudioOnlyVariantFromAReservedTask() throws Exception {
        KilnApi api = KILN.api();
        JsonNode reserved = ok(start(api, "{\"id\":\"mp4\",\"stream\":{\"name\":\"single\"},\"filePath\":\"single/a.mp4\"}"));
        assertThat(reserved.path("state").asText()).isEqualTo("ready");
        try (FfmpegPublisher ffmpeg = publish("single")) {
            awaitState("mp4", "recording");
            ok(start(api, "{\"id\":\"ts\",\"stream\":{\"name\":\"single\"},\"filePath\":\"single/b.ts\"}"));
            ok(start(api, "{\"id\":\"audio\",\"stream\":{\"name\":\"single\",\"variantNames\":[\"aac\"]},"
                    + "\"filePath\":\"single/c.ts\"}"));
            awaitOutputTracks("single", 3);
            assertThat(error(start(api, "{\"id\":\"bad\",\"stream\":{\"name\":\"single\",\"variantNames\":[\"nope\"]}}"),
                    400)).contains("[stream.variantNames]");
            KILN.process().await("5 s recorded", LIMIT, () -> task("ts").path("recordTime").asLong(), t -> t >= 5000);
            JsonNode mp4 = stop("mp4");
            JsonNode ts = stop("ts");
            JsonNode audio = stop("audio");
            assertThat(mp4.path("state").asText()).isEqualTo("stopped");
            checkSingle(Path.of(mp4.path("outputFilePath").asText()), mp4, DEFAULT_OUTPUT);
            checkSingle(Path.of(ts.path("outputFilePath").asText()), ts, DEFAULT_OUTPUT);
            checkSingle(Path.of(audio.path("outputFilePath").asText()), audio, List.of("audio"));
            assertThat(ffmpeg.isAlive()).isTrue();
        }
        assertThat(files(records().resolve("single"), "*.part")).isEmpty();
    }

    @Test
    void intervalScheduleContinuityAndDiscontinuity() throws Exception {
        KilnApi api = KILN.api();
        ok(start(api, "{\"id\":\"disc\",\"stream\":{\"name\":\"split\"},\"interval\":3000,"
                + "\"filePath\":\"split/disc_${Sequence}.ts\"}"));
        ok(start(api, "{\"id\":\"cont\",\"stream\":{\"name\":\"split\"},\"interval\":3000,"
                + "\"segmentationRule\":\"continuity\",\"filePath\":\"split/cont_${Sequence}.mp4\"}"));
        ok(start(api, "{\"id\":\"cron\",\"stream\":{\"name\":\"split\"},\"schedule\":\"*/5 * *\","
                + "\"filePath\":\"split/cron_${Sequence}_${StartTime:hhmmss}.ts\"}"));
        try (FfmpegPublisher ffmpeg = publish("split")) {
            KILN.process().await("10 s recorded", LIMIT, () -> task("disc").path("totalRecordTime").asLong(),
                    t -> t >= 10_000);
            stop("disc");
            stop("cont");
            stop("cron");
        }
        List<MediaProbe> disc = probeAll("disc_*.ts");
        assertThat(disc).as("interval 3000 over 10 s").hasSizeGreaterThanOrEqualTo(3);
        for (MediaProbe p : disc.subList(0, disc.size() - 1)) {
            assertThat(p.duration()).as("duration of %s", p.file()).isCloseTo(3.0, within(GOP + 0.1));
        }
        for (MediaProbe p : disc) {
            assertThat(p.startTime()).as("discontinuity: %s starts near 0", p.file()).isLessThan(0.3);
            assertThat(p.types()).containsExactlyElementsOf(DEFAULT_OUTPUT);
        }
        List<MediaProbe> cont = probeAll("cont_*.mp4");
        assertThat(cont).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < cont.size(); i++) {
            assertThat(cont.get(i).startTime()).as("continuity: %s follows %s", cont.get(i).file(), cont.get(i - 1).file())
                    .isCloseTo(cont.get(i - 1).end(), within(0.15));
        }
        Path cronInfo = Path.of(task("cron").path("outputInfoPath").asText());
        List<Element> entries = infoEntries(cronInfo);
        assertThat(entries).hasSizeGreaterThanOrEqualTo(2);
        for (Element e : entries.subList(1, entries.size())) {
            OffsetDateTime start = OffsetDateTime.parse(text(e, "startTime"));
            double intoSlot = (start.toEpochSecond() % 5) + start.getNano() / 1e9;
            assertThat(intoSlot).as("split %s lands on the first key frame after a 5 s tick", start)
                    .isLessThan(GOP + 0.6);
        }
    }

    @Test
    void publisherDropAndReturnGiveSequenceZeroAndOneListedInTheInfoFile() throws Exception {
        KilnApi api = KILN.api();
        ok(start(api, "{\"id\":\"drop\",\"stream\":{\"name\":\"drop\"},\"filePath\":\"drop/${Sequence}.ts\","
                + "\"metadata\":\"camera 7\"}"));
        try (FfmpegPublisher first = publish("drop")) {
            KILN.process().await("recording", LIMIT, () -> task("drop").path("recordTime").asLong(), t -> t >= 2000);
            first.kill();
        }
        awaitState("drop", "ready");
        try (FfmpegPublisher second = publish("drop")) {
            KILN.process().await("sequence 1 recording", LIMIT, () -> task("drop"),
                    t -> t.path("sequence").asInt() == 1 && t.path("recordTime").asLong() >= 2000);
            JsonNode stopped = stop("drop");
            assertThat(stopped.path("sequence").asInt()).isEqualTo(1);
            List<Element> entries = infoEntries(Path.of(stopped.path("outputInfoPath").asText()));
            assertThat(entries).hasSize(2);
            for (int i = 0; i < 2; i++) {
                Element e = entries.get(i);
                Path file = Path.of(text(e, "filePath"));
                assertThat(file.getFileName().toString()).isEqualTo(i + ".ts");
                assertThat(text(e, "sequence")).isEqualTo(Integer.toString(i));
                assertThat(text(e, "id")).isEqualTo("drop");
                assertThat(text(e, "metadata")).isEqualTo("camera 7");
                assertThat(Long.parseLong(text(e, "recordBytes"))).isEqualTo(Files.size(file));
                MediaProbe p = MediaProbe.of(file);
                assertThat(p.duration() * 1000).as("duration of %s vs recordTime", file)
                        .isCloseTo(Long.parseLong(text(e, "recordTime")), within(GOP * 1000));
            }
        }
    }

    @Test
    void killDashNineMidMp4LeavesAReadableFileThatTheNextStartFinishes() throws Exception {
        Path data;
        long recordedMs;
        Path part;
        try (KilnProcess kiln = KilnProcess.builder().name("record-kill").distributionPlugins().start()) {
            data = kiln.dataDir();
            ok(start(kiln.api(), "{\"id\":\"k\",\"stream\":{\"name\":\"k\"},\"filePath\":\"k/${Sequence}.mp4\"}"));
            try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(kiln.workDir().resolve("publishers"),
                    "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/k", "320x240", "ultrafast", List.of("-g", "30",
                            "-keyint_min", "30"))) {
                recordedMs = kiln.await("6 s recorded", LIMIT, () -> task(kiln.api(), "k").path("recordTime").asLong(),
                        t -> t >= 6000);
                ProcessHandle.of(kiln.pid()).ifPresent(ProcessHandle::destroyForcibly);
                kiln.awaitExit(Duration.ofSeconds(10));
            }
            part = data.resolve("records/k/0.mp4.part");
            assertThat(part).exists();
            MediaProbe cut = MediaProbe.of(part);
            assertThat(cut.types()).containsExactlyElementsOf(DEFAULT_OUTPUT);
            assertThat(cut.duration() * 1000).as("readable up to within 2 s of the kill")
                    .isGreaterThanOrEqualTo(recordedMs - 2000.0);
        }
        try (KilnProcess again = KilnProcess.builder().name("record-kill-2").distributionPlugins().dataDir(data).start()) {
            JsonNode k = task(again.api(), "k");
            assertThat(k.path("state").asText()).isEqualTo("ready");
            Path finished = data.resolve("records/k/0.mp4");
            assertThat(part).doesNotExist();
            assertThat(finished).exists();
            assertThat(MediaProbe.of(finished).duration() * 1000).isGreaterThanOrEqualTo(recordedMs - 2000.0);
            List<Element> entries = infoEntries(Path.of(k.path("outputInfoPath").asText()));
            assertThat(entries).singleElement().satisfies(e -> assertThat(text(e, "filePath"))
                    .isEqualTo(finished.toString()));
            // The task resumes with sequence 1, and SIGTERM finishes that file.
            try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(again.workDir().resolve("publishers"),
                    "rtmp://127.0.0.1:" + again.rtmpPort() + "/app/k", "320x240", "ultrafast", List.of("-g", "30",
                            "-keyint_min", "30"))) {
                again.await("sequence 1 recording", LIMIT, () -> task(again.api(), "k"),
                        t -> t.path("sequence").asInt() == 1 && t.path("recordTime").asLong() >= 2000);
                again.stop();
            }
            assertThat(data.resolve("records/k/1.mp4.part")).doesNotExist();
            assertThat(MediaProbe.of(data.resolve("records/k/1.mp4")).types()).containsExactlyElementsOf(DEFAULT_OUTPUT);
        }
    }

    // ---- helpers ----

    private static KilnApi.Reply start(KilnApi api, String body) {
        return api.post("/v1/vhosts/default/apps/app:startRecord", body);
    }

    private static JsonNode stop(String id) {
        return ok(KILN.api().post("/v1/vhosts/default/apps/app:stopRecord", "{\"id\":\"" + id + "\"}"));
    }

    private static JsonNode task(String id) {
        return task(KILN.api(), id);
    }

    private static JsonNode task(KilnApi api, String id) {
        JsonNode list = ok(api.post("/v1/vhosts/default/apps/app:records", "{\"id\":\"" + id + "\"}"));
        assertThat(list).as("records of %s", id).hasSize(1);
        return list.get(0);
    }

    /** Waits until the output stream's tracks are known (the transcoded ones come a little later). */
    private static void awaitOutputTracks(String stream, int count) {
        KILN.process().await("output " + stream + " with " + count + " tracks", LIMIT,
                () -> ok(KILN.api().get("/v1/vhosts/default/apps/app/streams/" + stream)),
                info -> {
                    for (JsonNode o : info.path("outputs")) {
                        if (o.path("name").asText().equals(stream)) {
                            return o.path("tracks").size() >= count;
                        }
                    }
                    return false;
                });
    }

    private static void awaitState(String id, String state) {
        KILN.process().await("task " + id + " " + state, LIMIT, () -> task(id).path("state").asText(), state::equals);
    }

    private static FfmpegPublisher publish(String stream) {
        return FfmpegPublisher.start(KILN.process().workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/app/" + stream, "320x240", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30"));
    }

    private static Path records() {
        return KILN.process().dataDir().resolve("records");
    }

    private static List<Path> files(Path dir, String glob) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> matcher.matches(p.getFileName())).sorted((a, b) -> {
                return Integer.compare(sequenceOf(a), sequenceOf(b));
            }).toList();
        }
    }

    private static int sequenceOf(Path p) {
        String digits = p.getFileName().toString().replaceAll("^[a-z]+_(\\d+).*$", "$1");
        return digits.matches("\\d+") ? Integer.parseInt(digits) : 0;
    }

    private static List<MediaProbe> probeAll(String glob) throws Exception {
        List<MediaProbe> out = new ArrayList<>();
        for (Path p : files(records().resolve("split"), glob)) {
            out.add(MediaProbe.of(p));
        }
        return out;
    }

    private static void checkSingle(Path file, JsonNode task, List<String> types) {
        assertThat(file).exists();
        MediaProbe p = MediaProbe.of(file);
        assertThat(p.types()).as("streams of %s", file).containsExactly(types.toArray(String[]::new));
        assertThat(p.duration() * 1000).as("duration of %s vs recordTime %s", file, task.path("recordTime"))
                .isCloseTo(task.path("recordTime").asDouble(), within(GOP * 1000));
        assertThat(p.duration()).isGreaterThan(4.0);
    }

    private static List<Element> infoEntries(Path info) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(info.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("files");
        NodeList files = doc.getDocumentElement().getElementsByTagName("file");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < files.getLength(); i++) {
            out.add((Element) files.item(i));
        }
        return out;
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        assertThat(l.getLength()).as("<%s> in the info entry", tag).isEqualTo(1);
        return l.item(0).getTextContent();
    }
}
