package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The LL-HLS publisher end to end: ffmpeg publishes H.264 + AAC (key frame every second) over
 * RTMP, the playlists, parts and segments are fetched over HTTP from the playback port and
 * checked, ffprobe plays the stream from its playlist, an ID3 event sent through the REST API
 * shows up in an emsg box, an HLS dump writes playable files and its info XML, an output
 * profile's declared playlist lists only its renditions (served and dumped), and the viewer
 * is counted in the statistics.
 */
class LlhlsIT {
    private static final Duration LIMIT = Duration.ofSeconds(40);
    private static final String STREAM = "ll";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern PART = Pattern.compile("#EXT-X-PART:DURATION=([0-9.]+),URI=\"([^\"]+)\"");
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_(\\d+)_(\\d+)_(\\d+)_");

    /** A second dump folder, given to the server in KILN_DUMP_ROOTS. */
    private static final Path MORE_DUMPS = tempFolder("llhls-more-dumps-");

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("llhls")
            .distributionPlugins()
            .env("KILN_INPUT_TIMEOUT", "3")
            .env("KILN_DUMP_ROOTS", MORE_DUMPS.toString()));

    private static FfmpegPublisher ffmpeg;

    @BeforeAll
    static void publish() {
        ffmpeg = FfmpegPublisher.start(KILN.process().workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/app/" + STREAM, "320x240", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30"));
        KILN.process().await("the stream listed on /streams", LIMIT, () -> get("/streams").text(),
                t -> t.contains("\"stream\":\"" + STREAM + "\""));
    }

    @AfterAll
    static void stop() {
        if (ffmpeg != null) {
            ffmpeg.close();
        }
    }

    @Test
    void multivariantAndMediaPlaylistsAreLowLatencyHls() throws Exception {
        Fetched master = get(path("llhls.m3u8"));
        assertThat(master.status).isEqualTo(200);
        assertThat(master.header("content-type")).contains("application/vnd.apple.mpegurl");
        assertThat(master.header("access-control-allow-origin")).contains("*");
        // the default output profile: video passed through, AAC passed through and Opus encoded
        assertThat(master.text()).startsWith("#EXTM3U").contains("#EXT-X-STREAM-INF:", "CODECS=\"avc1.",
                "mp4a.40.2\",AUDIO=", ",opus\",AUDIO=", "#EXT-X-MEDIA:TYPE=AUDIO");
        Set<String> chunklists = new LinkedHashSet<>(
                master.text().lines().filter(l -> l.startsWith("chunklist_")).toList());
        Matcher audio = Pattern.compile("URI=\"(chunklist_[^\"]+)\"").matcher(master.text());
        while (audio.find()) {
            chunklists.add(audio.group(1));
        }
        assertThat(chunklists).as("video, AAC and Opus media playlists in\n%s", master.text()).hasSize(3);

        for (String chunklist : chunklists) {
            long lastSequence = -1;
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until) {
                String text = get(path(chunklist)).text();
                assertThat(text).startsWith("#EXTM3U").contains("#EXT-X-TARGETDURATION:",
                        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES", "PART-HOLD-BACK=", "CAN-SKIP-UNTIL=",
                        "#EXT-X-PART-INF:PART-TARGET=", "#EXT-X-MAP:URI=\"init_", "#EXT-X-PRELOAD-HINT:TYPE=PART",
                        "#EXT-X-RENDITION-REPORT:URI=\"chunklist_", "#EXT-X-PROGRAM-DATE-TIME:");
                double partTarget = number(text, "#EXT-X-PART-INF:PART-TARGET=([0-9.]+)");
                Matcher parts = PART.matcher(text);
                int count = 0;
                while (parts.find()) {
                    assertThat(Double.parseDouble(parts.group(1))).as("part duration in %s", chunklist)
                            .isLessThanOrEqualTo(partTarget).isGreaterThan(0);
                    count++;
                }
                assertThat(count).isPositive();
                double target = number(text, "#EXT-X-TARGETDURATION:(\\d+)");
                Matcher extinf = Pattern.compile("#EXTINF:([0-9.]+),").matcher(text);
                while (extinf.find()) {
                    assertThat(Math.round(Double.parseDouble(extinf.group(1)))).isLessThanOrEqualTo((long) target);
                }
                long sequence = (long) number(text, "#EXT-X-MEDIA-SEQUENCE:(\\d+)");
                assertThat(sequence).as("media sequence of %s", chunklist).isGreaterThanOrEqualTo(lastSequence);
                lastSequence = sequence;
                Thread.sleep(250); // pacing of the polls, not a synchronization
            }
            // the init segment and a listed part are fMP4
            String text = get(path(chunklist)).text();
            Fetched init = get(path(first(text, "#EXT-X-MAP:URI=\"([^\"]+)\"")));
            assertThat(boxTypes(init.body)).startsWith("ftyp", "moov");
            Matcher m = PART.matcher(text);
            assertThat(m.find()).isTrue();
            Fetched part = get(path(m.group(2)));
            assertThat(boxTypes(part.body)).containsSubsequence("moof", "mdat");
        }
    }

    @Test
    void aBlockingReloadAnswersWhenTheAskedPartIsThere() throws Exception {
        String chunklist = "chunklist_0_video_llhls.m3u8";
        String text = get(path(chunklist)).text();
        double partTarget = number(text, "#EXT-X-PART-INF:PART-TARGET=([0-9.]+)");
        Matcher hint = HINT.matcher(text);
        assertThat(hint.find()).isTrue();
        long msn = Long.parseLong(hint.group(2));
        int part = Integer.parseInt(hint.group(3));
        String partName = "part_0_" + msn + "_" + part + "_video_llhls.m4s";
        long started = System.nanoTime();
        CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> {
            Fetched f = get(path(chunklist) + "?_HLS_msn=" + msn + "&_HLS_part=" + part);
            assertThat(f.status).isEqualTo(200);
            assertThat(f.text()).contains(partName);
            return System.nanoTime();
        });
        // When does the part show in a plain (non-blocking) reload? Polled every 20 ms.
        long available = 0;
        while (available == 0 && System.nanoTime() - started < LIMIT.toNanos()) {
            if (get(path(chunklist)).text().contains(partName)) {
                available = System.nanoTime();
            } else {
                Thread.sleep(20);
            }
        }
        assertThat(available).as("the part appeared").isPositive();
        long answered = blocked.get();
        assertThat((answered - available) / 1e9).as("blocking reload answered after the part appeared (s)")
                .isLessThanOrEqualTo(partTarget);
        // the hinted part itself is also held until it exists
        Matcher next = HINT.matcher(get(path(chunklist)).text());
        assertThat(next.find()).isTrue();
        Fetched hinted = get(path("part_0_" + next.group(2) + "_" + next.group(3) + "_video_llhls.m4s"));
        assertThat(hinted.status).isEqualTo(200);
        assertThat(boxTypes(hinted.body)).containsSubsequence("moof", "mdat");
        // far ahead is refused
        assertThat(get(path(chunklist) + "?_HLS_msn=" + (msn + 10)).status).isEqualTo(400);
        // a delta update request is answered with a playlist
        assertThat(get(path(chunklist) + "?_HLS_skip=YES").text()).contains("#EXT-X-PART-INF");
    }

    @Test
    void ffprobeReadsTheStreamFromItsPlaylist() {
        MediaProbe p = MediaProbe.ofUrl("http://127.0.0.1:" + KILN.process().httpPort() + path("llhls.m3u8"));
        assertThat(p.types()).contains("video", "audio");
        assertThat(p.codecs()).contains("h264", "aac", "opus");
    }

    @Test
    void theOpusRenditionIsFragmentedMp4WithADopsBoxAndReadsAsOpus() throws Exception {
        String master = get(path("llhls.m3u8")).text();
        Matcher m = Pattern.compile("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"([^\"]+)\"[^\n]*URI=\"(chunklist_[^\"]+)\"")
                .matcher(master);
        String opusChunklist = null;
        while (m.find()) {
            if (master.contains(",opus\",AUDIO=\"" + m.group(1) + "\"")) {
                opusChunklist = m.group(2);
            }
        }
        assertThat(opusChunklist).as("the Opus group's media playlist in\n%s", master).isNotNull();
        String text = get(path(opusChunklist)).text();
        byte[] init = get(path(first(text, "#EXT-X-MAP:URI=\"([^\"]+)\""))).body;
        String boxes = new String(init, StandardCharsets.ISO_8859_1);
        assertThat(boxes).contains("Opus", "dOps");
        int dops = boxes.indexOf("dOps");
        assertThat(init[dops + 4]).as("dOps version").isZero();
        assertThat(init[dops + 5]).as("dOps output channels").isEqualTo((byte) 2);
        assertThat(ByteBuffer.wrap(init, dops + 12, 2).getShort()).as("dOps output gain").isZero();
        MediaProbe probe = MediaProbe.ofUrl("http://127.0.0.1:" + KILN.process().httpPort() + path(opusChunklist));
        assertThat(probe.codecs()).containsExactly("opus");
        assertThat(probe.duration()).isPositive();
    }

    @Test
    void aSentEventIsInAnEmsgBoxOfALaterPart() throws Exception {
        String marker = "kiln-event-" + System.nanoTime();
        ok(KILN.api().post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":sendEvent",
                "{\"eventFormat\":\"id3v2\",\"eventType\":\"video\",\"events\":[{\"frameType\":\"TXXX\","
                        + "\"info\":\"kiln\",\"data\":\"" + marker + "\"},{\"frameType\":\"TIT2\",\"data\":\"title\"}]}"));
        assertThat(error(KILN.api().post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":sendEvent",
                "{\"eventFormat\":\"scte35\",\"events\":[{\"frameType\":\"TXXX\",\"data\":\"x\"}]}"), 400))
                .contains("[eventFormat]");
        assertThat(error(KILN.api().post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":sendEvent",
                "{\"eventFormat\":\"id3v2\",\"eventType\":\"both\",\"events\":[{\"frameType\":\"TXXX\",\"data\":\"x\"}]}"),
                400)).contains("[eventType]");
        assertThat(error(KILN.api().post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":sendEvent",
                "{\"eventFormat\":\"id3v2\",\"events\":[{\"frameType\":\"APIC\",\"data\":\"x\"}]}"), 400))
                .contains("[events[0].frameType]");
        assertThat(error(KILN.api().post("/v1/vhosts/default/apps/app/streams/nope:sendEvent",
                "{\"eventFormat\":\"id3v2\",\"events\":[{\"frameType\":\"TXXX\",\"data\":\"x\"}]}"), 404))
                .contains("nope");
        byte[] found = KILN.process().await("an emsg box with the event in a video part", LIMIT, () -> {
            String text = get(path("chunklist_0_video_llhls.m3u8")).text();
            Matcher m = PART.matcher(text);
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(2));
            }
            for (String name : names.subList(Math.max(0, names.size() - 6), names.size())) {
                byte[] body = get(path(name)).body;
                Optional<byte[]> emsg = box(body, "emsg");
                if (emsg.isPresent() && new String(emsg.get(), StandardCharsets.UTF_8).contains(marker)) {
                    return emsg.get();
                }
            }
            return null;
        }, b -> b != null);
        String emsg = new String(found, StandardCharsets.ISO_8859_1);
        assertThat(emsg).contains("https://aomedia.org/emsg/ID3", "ID3", "TXXX", "kiln", "TIT2", "title");
    }

    @Test
    void anHlsDumpWritesPlayableFilesAndItsInfoXml() throws Exception {
        KilnApi api = KILN.api();
        String start = "/v1/vhosts/default/apps/app/streams/" + STREAM + ":startHlsDump";
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"x\",\"outputPath\":\"../../etc\"}"),
                400)).contains("[outputPath]");
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"outputPath\":\"a\"}"), 400))
                .contains("[id]");
        assertThat(error(api.post(start, "{\"id\":\"x\",\"outputPath\":\"a\"}"), 400)).contains("[outputStreamName]");
        assertThat(error(api.post(start, "{\"outputStreamName\":\"nope\",\"id\":\"x\",\"outputPath\":\"a\"}"), 404))
                .contains("nope");
        Path dumps = KILN.process().dataDir().resolve("dumps");
        Files.createDirectories(dumps);
        Files.writeString(dumps.resolve("taken.xml"), "x");
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"x\",\"outputPath\":\"a\","
                + "\"infoFile\":\"taken.xml\"}"), 400)).contains("[infoFile]");

        ok(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"d1\",\"outputPath\":\"d1\","
                + "\"playlist\":[\"llhls.m3u8\"],\"infoFile\":\"d1.xml\",\"userData\":\"key='v'\"}"));
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"d1\",\"outputPath\":\"d2\"}"),
                409)).contains("d1");
        Path dir = dumps.resolve("d1");
        KILN.process().await("two video segments dumped", LIMIT, () -> count(dir, "seg_0_*"), n -> n >= 2);
        Document running = xml(dumps.resolve("d1.xml"));
        assertThat(text(running, "Status")).isEqualTo("Running");
        ok(api.post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":stopHlsDump",
                "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"d1\"}"));
        assertThat(error(api.post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":stopHlsDump",
                "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"d1\"}"), 404)).contains("d1");
        Document done = KILN.process().await("the info file Completed", LIMIT, () -> xml(dumps.resolve("d1.xml")),
                d -> "Completed".equals(text(d, "Status")));
        assertThat(text(done, "UserData")).isEqualTo("key='v'");
        assertThat(text(done, "Stream")).isEqualTo("/default/app/" + STREAM);
        NodeList items = done.getElementsByTagName("Item");
        assertThat(items.getLength()).isGreaterThanOrEqualTo(5);
        for (int i = 0; i < items.getLength(); i++) {
            Element item = (Element) items.item(i);
            assertThat(item.getElementsByTagName("Seq").item(0).getTextContent()).isEqualTo(String.valueOf(i));
            assertThat(item.getElementsByTagName("Time").item(0).getTextContent()).isNotBlank();
            assertThat(Path.of(item.getElementsByTagName("File").item(0).getTextContent())).exists();
        }
        assertThat(Files.readString(dir.resolve("chunklist_0_video_llhls.m3u8"))).contains("#EXT-X-ENDLIST");
        MediaProbe probe = MediaProbe.of(dir.resolve("llhls.m3u8"));
        assertThat(probe.types()).contains("video", "audio");
        assertThat(probe.duration()).isGreaterThanOrEqualTo(10.0);
    }

    @Test
    void aDumpGoesIntoAnotherDumpRootButNotThroughASymbolicLinkOut() throws Exception {
        KilnApi api = KILN.api();
        String start = "/v1/vhosts/default/apps/app/streams/" + STREAM + ":startHlsDump";
        Path elsewhere = Files.createDirectories(KILN.process().workDir().resolve("elsewhere"));
        Path dumps = Files.createDirectories(KILN.process().dataDir().resolve("dumps"));
        Files.createSymbolicLink(dumps.resolve("out"), elsewhere);
        Files.createSymbolicLink(MORE_DUMPS.resolve("out"), elsewhere);
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"l1\","
                + "\"outputPath\":\"out/d\"}"), 400)).contains("[outputPath]", "symbolic link");
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"l2\","
                + "\"outputPath\":\"" + MORE_DUMPS.resolve("out/d") + "\"}"), 400)).contains("[outputPath]", "symbolic link");
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"l3\","
                + "\"outputPath\":\"m\",\"infoFile\":\"" + MORE_DUMPS.resolve("out/m.xml") + "\"}"), 400))
                .contains("[infoFile]", "symbolic link");
        assertThat(error(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"l4\","
                + "\"outputPath\":\"" + elsewhere.resolve("d") + "\"}"), 400)).contains("[outputPath]", "outside");
        try (var listed = Files.list(elsewhere)) {
            assertThat(listed.toList()).as("nothing written through the links").isEmpty();
        }

        Path dir = MORE_DUMPS.resolve("second/d");
        Path info = MORE_DUMPS.resolve("second/d.xml");
        ok(api.post(start, "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"second\",\"outputPath\":\"" + dir
                + "\",\"playlist\":[\"llhls.m3u8\"],\"infoFile\":\"" + info + "\"}"));
        KILN.process().await("a video segment dumped into the second dump root", LIMIT,
                () -> count(dir, "seg_0_*"), n -> n >= 1);
        ok(api.post("/v1/vhosts/default/apps/app/streams/" + STREAM + ":stopHlsDump",
                "{\"outputStreamName\":\"" + STREAM + "\",\"id\":\"second\"}"));
        KILN.process().await("the second root's info file Completed", LIMIT, () -> xml(info),
                d -> "Completed".equals(text(d, "Status")));
        assertThat(MediaProbe.of(dir.resolve("llhls.m3u8")).types()).contains("video");
    }

    @Test
    void anApplicationSetsPartAndSegmentDurationsAndDeltaUpdatesSkipOldSegments() throws Exception {
        KilnApi api = KILN.api();
        KilnApi.Reply created = api.post("/v1/vhosts/default/apps", """
                [{"name": "short", "type": "live",
                  "outputProfiles": {"outputProfile": [{"name": "pt", "outputStreamName": "${OriginStreamName}",
                      "encodes": {"videos": [{"name": "v", "bypass": true}], "audios": [{"name": "a", "bypass": true}]}}]},
                  "publishers": {"llhls": {"chunkDuration": 0.3, "segmentDuration": 1, "segmentCount": 10}}}]
                """);
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body()).contains("\"statusCode\":200", "\"name\":\"short\"");
        try (FfmpegPublisher shortOne = FfmpegPublisher.start(KILN.process().workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/short/s", "160x120", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30"))) {
            String chunklist = "/short/s/chunklist_0_video_llhls.m3u8";
            String text = KILN.process().await("8 segments in the short app's playlist", LIMIT,
                    () -> get(chunklist).text(), t -> t.split("#EXTINF:", -1).length > 8);
            assertThat(text).contains("#EXT-X-TARGETDURATION:1\n", "#EXT-X-PART-INF:PART-TARGET=0.3\n",
                    "CAN-SKIP-UNTIL=6.0", "PART-HOLD-BACK=0.9");
            Matcher parts = PART.matcher(text);
            while (parts.find()) {
                assertThat(Double.parseDouble(parts.group(1))).isLessThanOrEqualTo(0.3);
            }
            String delta = get(chunklist + "?_HLS_skip=YES").text();
            Matcher skip = Pattern.compile("#EXT-X-SKIP:SKIPPED-SEGMENTS=(\\d+)").matcher(delta);
            assertThat(skip.find()).as("a delta update:\n%s", delta).isTrue();
            assertThat(Integer.parseInt(skip.group(1))).isPositive();
            long seqFull = (long) number(get(chunklist).text(), "#EXT-X-MEDIA-SEQUENCE:(\\d+)");
            long seqDelta = (long) number(delta, "#EXT-X-MEDIA-SEQUENCE:(\\d+)");
            assertThat(seqDelta).isLessThanOrEqualTo(seqFull + 1);
        }
    }

    @Test
    void aDeclaredPlaylistListsOnlyItsRenditionsAndIsDumped() throws Exception {
        KilnApi api = KILN.api();
        ApiAssertions.batch(api.post("/v1/vhosts/default/apps", """
                [{"name": "abr", "type": "live",
                  "outputProfiles": {"outputProfile": [{"name": "pt", "outputStreamName": "${OriginStreamName}",
                      "encodes": {"videos": [{"name": "bypass_video", "bypass": true}],
                                  "audios": [{"name": "aac", "bypass": true}]},
                      "playlists": [{"name": "ABR", "fileName": "abr", "options": {"webrtcAutoAbr": false},
                          "renditions": [{"name": "hd", "video": "bypass_video", "audio": "aac"},
                                         {"name": "radio", "audio": "aac"}]}]}]},
                  "publishers": {"llhls": {"chunkDuration": 0.5, "segmentDuration": 1}}}]
                """), 200, 200);
        JsonNode profile = ok(api.get("/v1/vhosts/default/apps/abr/outputProfiles/pt"));
        assertThat(profile.path("playlists").path(0).path("fileName").asText()).isEqualTo("abr");
        assertThat(profile.path("playlists").path(0).path("renditions").path(1).path("audio").asText()).isEqualTo("aac");
        JsonNode refused = ApiAssertions.batch(api.post("/v1/vhosts/default/apps/abr/outputProfiles", """
                [{"name": "bad", "outputStreamName": "${OriginStreamName}_bad",
                  "encodes": {"videos": [{"name": "v", "bypass": true}]},
                  "playlists": [{"fileName": "x", "renditions": [{"video": "v"}, {"video": "nope"}]}]}]
                """), 400, 400);
        assertThat(refused.get(0).path("message").asText()).contains("[playlists[0].renditions[1].video]", "nope");

        try (FfmpegPublisher abr = FfmpegPublisher.start(KILN.process().workDir().resolve("publishers"),
                "rtmp://127.0.0.1:" + KILN.process().rtmpPort() + "/abr/s", "160x120", "ultrafast",
                List.of("-g", "30", "-keyint_min", "30"))) {
            String master = KILN.process().await("the abr playlist", LIMIT, () -> get("/abr/s/abr.m3u8"),
                    f -> f.status == 200).text();
            assertThat(master.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")).toList())
                    .as("two variants in\n%s", master).hasSize(2);
            assertThat(master).contains(
                    "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio_0\",NAME=\"aac\"",
                    "CODECS=\"avc1.", "mp4a.40.2\",AUDIO=\"audio_0\"\nchunklist_0_video_llhls.m3u8\n",
                    "CODECS=\"mp4a.40.2\"\nchunklist_1_audio_llhls.m3u8\n");
            MediaProbe probe = MediaProbe.ofUrl("http://127.0.0.1:" + KILN.process().httpPort() + "/abr/s/abr.m3u8");
            assertThat(probe.codecs()).contains("h264", "aac");
            assertThat(get("/abr/s/other.m3u8").status).isEqualTo(404);

            ok(api.post("/v1/vhosts/default/apps/abr/streams/s:startHlsDump",
                    "{\"outputStreamName\":\"s\",\"id\":\"abr\",\"outputPath\":\"abr\",\"playlist\":[\"abr.m3u8\"]}"));
            Path dumped = KILN.process().dataDir().resolve("dumps/abr/abr.m3u8");
            KILN.process().await("the dumped abr playlist", LIMIT, () -> Files.exists(dumped), e -> e);
            ok(api.post("/v1/vhosts/default/apps/abr/streams/s:stopHlsDump",
                    "{\"outputStreamName\":\"s\",\"id\":\"abr\"}"));
            String dump = Files.readString(dumped);
            assertThat(dump).as("the declared playlist, not all tracks")
                    .startsWith(master.substring(0, master.indexOf("#EXT-X-STREAM-INF")))
                    .endsWith("CODECS=\"mp4a.40.2\"\nchunklist_1_audio_llhls.m3u8\n");
            assertThat(dump.split("#EXT-X-STREAM-INF:", -1)).hasSize(3);
        }
    }

    @Test
    void theViewerIsCountedInTheStatistics() {
        get(path("llhls.m3u8"));
        get(path("chunklist_0_video_llhls.m3u8"));
        JsonNode stats = ok(KILN.api().get("/v1/stats/current/vhosts/default/apps/app/streams/" + STREAM));
        assertThat(stats.path("connections").path("llhls").asLong()).isPositive();
        assertThat(stats.path("totalBytesOut").asLong()).isPositive();
    }

    @Test
    void thePlayerPageAndHlsJsAreServed() {
        Fetched page = get("/");
        assertThat(page.status).isEqualTo(200);
        assertThat(page.header("content-type")).contains("text/html");
        assertThat(page.text()).contains("hls.min.js");
        Fetched js = get("/player/hls.min.js");
        assertThat(js.status).isEqualTo(200);
        assertThat(js.body.length).isGreaterThan(100_000);
        assertThat(get("/player/../../etc/passwd").status).isEqualTo(404);
        JsonNode streams;
        try {
            streams = KilnApi.JSON.readTree(get("/streams").text());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        JsonNode s = streams.path("streams").get(0);
        assertThat(s.path("vhost").asText()).isEqualTo("default");
        assertThat(s.path("app").asText()).isEqualTo("app");
        assertThat(s.path("stream").asText()).isEqualTo(STREAM);
        assertThat(s.path("playlist").asText()).isEqualTo("/app/" + STREAM + "/llhls.m3u8");
    }

    // ---- helpers

    private static Path tempFolder(String prefix) {
        try {
            Path root = Path.of(System.getProperty("kiln.it.work", "target/it-work")).toAbsolutePath();
            return Files.createTempDirectory(Files.createDirectories(root), prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Fetched(int status, java.net.http.HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    private static String path(String file) {
        return "/app/" + STREAM + "/" + file;
    }

    private static Fetched get(String path) {
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + KILN.process().httpPort() + path))
                    .timeout(Duration.ofSeconds(30)).header("User-Agent", "kiln-llhls-it").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Fetched(r.statusCode(), r.headers(), r.body());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        }
    }

    private static double number(String text, String regex) {
        return Double.parseDouble(first(text, regex));
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + regex + " in:\n" + text);
        }
        return m.group(1);
    }

    /** Types of the top-level boxes. */
    private static List<String> boxTypes(byte[] data) {
        List<String> types = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.remaining() >= 8) {
            int at = b.position();
            long size = Integer.toUnsignedLong(b.getInt());
            byte[] type = new byte[4];
            b.get(type);
            types.add(new String(type, StandardCharsets.ISO_8859_1));
            if (size < 8 || at + size > data.length) {
                break;
            }
            b.position((int) (at + size));
        }
        return types;
    }

    /** The first top-level box of a type, whole. */
    private static Optional<byte[]> box(byte[] data, String wanted) {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.remaining() >= 8) {
            int at = b.position();
            int size = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            if (size < 8 || at + size > data.length) {
                return Optional.empty();
            }
            if (new String(type, StandardCharsets.ISO_8859_1).equals(wanted)) {
                byte[] out = new byte[size];
                System.arraycopy(data, at, out, 0, size);
                return Optional.of(out);
            }
            b.position(at + size);
        }
        return Optional.empty();
    }

    private static long count(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.newDirectoryStream(dir, glob)) {
            long n = 0;
            for (Path ignored : s) {
                n++;
            }
            return n;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Document xml(Path file) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
    }

    private static String text(Document d, String tag) {
        NodeList n = d.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent();
    }
}
