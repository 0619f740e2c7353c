package dev.kiln.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Callaba's recording API ({@code /api/recording/*}) against the real distribution: tasks made
 * over REST with {@code x-access-token}, media published with the bundled ffmpeg or generated
 * inside Kiln, files checked with ffprobe and by decoding their audio.
 */
class CallabaRecordingIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("callaba")
            .distributionPlugins()
            .env("KILN_INPUT_TIMEOUT", "3"));

    @Test
    void theTokenIsCheckedAndBadTasksAreRefusedNamingTheField() {
        KilnProcess kiln = KILN.process();
        KilnApi.Reply none = call(kiln, null, "POST", "getAll", "");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("success").asBoolean(true)).isFalse();
        assertThat(none.json().path("message").asText()).contains("x-access-token");
        assertThat(call(kiln, "wrong", "POST", "getAll", "").status()).isEqualTo(401);
        // The OME API's Basic credentials do not open this API.
        assertThat(KILN.api().post("/api/recording/getAll", "").status()).isEqualTo(401);

        String rtmp = "\"input\":{\"input_type\":\"INPUT_TYPE_RTMP_SOFTWARE\",\"input_module_id\":\"app\","
                + "\"input_stream_id\":\"x\"}";
        assertError(create(kiln, "{\"recording_type\":\"RECORDING_STREAM_TO_FILE\"," + rtmp + ",\"output_format\":\"mp4\"}"),
                400, "[recording_name]");
        assertError(create(kiln, "{\"recording_name\":\"a\"," + rtmp + ",\"output_format\":\"mp4\"}"),
                400, "[recording_type]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"output_format\":\"mp4\"}"), 400, "[input]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\"," + rtmp + "}"),
                400, "[output_format]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_NOWHERE\","
                + rtmp + ",\"output_format\":\"mp4\"}"), 400, "[recording_type]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_CARRIER_PIGEON\"},\"output_format\":\"mp4\"}"),
                400, "[input.input_type]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + rtmp + ",\"output_format\":\"mkv\"}"), 400, "[output_format]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_RTMP_SOFTWARE\",\"input_module_id\":\"app\"},"
                + "\"output_format\":\"mp4\"}"), 400, "[input.input_stream_id]");
        assertError(create(kiln, "{\"recording_name\":\"a\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_GENERATE_TEST_VIDEO\",\"sound_hz\":0},"
                + "\"output_format\":\"mp4\"}"), 400, "[input.sound_hz]");
        assertError(call(kiln, kiln.token(), "POST", "create", "{not json"), 400, "Invalid request body");

        String id = created(create(kiln, "{\"recording_name\":\"only once\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + rtmp + ",\"output_format\":\"mp4\",\"active\":false}"));
        assertError(create(kiln, "{\"recording_name\":\"only once\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + rtmp + ",\"output_format\":\"flv\"}"), 409, "[recording_name]");
        JsonNode task = ok(call(kiln, kiln.token(), "POST", "getById", "{\"id\":\"" + id + "\"}"));
        assertThat(task.path("id").asText()).isEqualTo(id);
        assertThat(task.path("recording_name").asText()).isEqualTo("only once");
        assertThat(task.path("recording_type").asText()).isEqualTo("RECORDING_STREAM_TO_FILE");
        assertThat(task.path("output_format").asText()).isEqualTo("mp4");
        assertThat(task.path("active").asBoolean(true)).isFalse();
        assertThat(task.path("recordedFiles").isArray()).isTrue();
        assertThat(task.path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(task.path("modified").asText()).isNotEmpty();
        assertError(call(kiln, kiln.token(), "POST", "getById", "{\"id\":\"0123456789abcdef01234567\"}"), 404,
                "0123456789abcdef01234567");
        assertError(call(kiln, kiln.token(), "POST", "start", "{\"id\":\"nope\"}"), 400, "[id]");
        assertError(call(kiln, kiln.token(), "POST", "remove", "{\"id\":\"" + id + "\"}"), 405, "DELETE");
        assertThat(ok(call(kiln, kiln.token(), "DELETE", "remove", "{\"id\":\"" + id + "\"}")).path("success").asBoolean())
                .isTrue();
        assertError(call(kiln, kiln.token(), "POST", "getById", "{\"id\":\"" + id + "\"}"), 404, id);
    }

    @Test
    void anRtmpTaskRecordsWhatFfmpegPublishesWithItsBitrateAndItsFileCanBeRemoved() throws Exception {
        KilnProcess kiln = KILN.process();
        String id = created(create(kiln, task("rtmp to mp4", "cal_rtmp", "mp4")));
        assertThat(id).matches("[0-9a-f]{24}");
        double statKbps;
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(kiln.workDir().resolve("ffmpeg"),
                "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/cal_rtmp", "640x360", "ultrafast",
                List.of("-b:v", "1500k", "-minrate", "1500k", "-maxrate", "1500k", "-bufsize", "750k",
                        "-x264-params", "nal-hrd=cbr"))) {
            kiln.await("a bitrate in getStat", LIMIT, () -> bitrate(kiln, id), b -> b > 0);
            kiln.await("10 s published", LIMIT, () -> outTimeSeconds(ffmpeg), t -> t >= 10);
            statKbps = bitrate(kiln, id);
            assertThat(ffmpeg.isAlive()).isTrue();
        }
        JsonNode files = kiln.await("the file listed", LIMIT, () -> recordedFiles(kiln, id), f -> f.size() == 1);
        ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + id + "\"}"));
        JsonNode file = files.get(0);
        assertThat(file.path("id").asText()).matches("[0-9a-f]{24}");
        Path path = Path.of(file.path("path").asText());
        assertThat(path).exists().hasExtension("mp4");
        assertThat(file.path("size").asLong()).isEqualTo(Files.size(path));
        MediaProbe probe = MediaProbe.of(path);
        assertThat(probe.types()).containsExactlyInAnyOrder("video", "audio");
        assertThat(probe.duration()).isGreaterThan(8);
        double realKbps = Files.size(path) * 8.0 / probe.duration() / 1000;
        assertThat(statKbps).as("getStat bitrate vs the file's %.0f kbit/s", realKbps)
                .isCloseTo(realKbps, within(realKbps * 0.25));

        ok(call(kiln, kiln.token(), "POST", "removeFile",
                "{\"record_id\":\"" + id + "\",\"file_id\":\"" + file.path("id").asText() + "\"}"));
        assertThat(path).doesNotExist();
        assertThat(recordedFiles(kiln, id).size()).isZero();
        assertError(call(kiln, kiln.token(), "POST", "removeFile",
                "{\"record_id\":\"" + id + "\",\"file_id\":\"" + file.path("id").asText() + "\"}"), 404, "[file_id]");
    }

    @Test
    void aFiveSecondTestVideoIs1080p24WithA216HzTone() throws Exception {
        KilnProcess kiln = KILN.process();
        String id = created(create(kiln, "{\"recording_name\":\"test video\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_GENERATE_TEST_VIDEO\",\"video_duration_sec\":5},"
                + "\"output_format\":\"mp4\"}"));
        JsonNode files = kiln.await("the test video's file", Duration.ofSeconds(90), () -> recordedFiles(kiln, id),
                f -> f.size() == 1);
        Path path = Path.of(files.get(0).path("path").asText());
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error",
                "-show_entries", "stream=codec_type,codec_name,width,height,avg_frame_rate", "-show_entries",
                "format=duration", "-of", "json", path.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode json = KilnApi.JSON.readTree(r.output().substring(r.output().indexOf('{')));
        JsonNode video = null;
        JsonNode audio = null;
        for (JsonNode s : json.path("streams")) {
            if (s.path("codec_type").asText().equals("video")) {
                video = s;
            } else if (s.path("codec_type").asText().equals("audio")) {
                audio = s;
            }
        }
        assertThat(video).as(r.output()).isNotNull();
        assertThat(audio).as(r.output()).isNotNull();
        assertThat(video.path("codec_name").asText()).isEqualTo("h264");
        assertThat(video.path("width").asInt()).isEqualTo(1920);
        assertThat(video.path("height").asInt()).isEqualTo(1080);
        assertThat(video.path("avg_frame_rate").asText()).isEqualTo("24/1");
        assertThat(audio.path("codec_name").asText()).isEqualTo("aac");
        assertThat(json.path("format").path("duration").asDouble()).isCloseTo(5.0, within(0.6));
        assertThat(toneHz(path)).isCloseTo(216.0, within(3.0));
        ok(call(kiln, kiln.token(), "DELETE", "remove", "{\"id\":\"" + id + "\"}"));
    }

    @Test
    void movAviAndFlvAreReadableAndAnUpdateAppliesOnTheNextStart() throws Exception {
        KilnProcess kiln = KILN.process();
        List<String> ids = new ArrayList<>();
        for (String format : List.of("mov", "avi", "flv")) {
            ids.add(created(create(kiln, task("format " + format, "cal_formats", format))));
        }
        String changing = created(create(kiln, task("changing", "cal_formats", "mp4")));
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(kiln.workDir().resolve("ffmpeg"),
                "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/cal_formats")) {
            kiln.await("recording", LIMIT, () -> bitrate(kiln, changing), b -> b > 0);
            JsonNode update = ok(call(kiln, kiln.token(), "POST", "update",
                    "{\"id\":\"" + changing + "\",\"output_format\":\"flv\"}"));
            assertThat(update.path("success").asBoolean()).isTrue();
            assertThat(ok(call(kiln, kiln.token(), "POST", "getById", "{\"id\":\"" + changing + "\"}"))
                    .path("output_format").asText()).isEqualTo("flv");
            kiln.await("4 s published", LIMIT, () -> outTimeSeconds(ffmpeg), t -> t >= 4);
            ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + changing + "\"}"));
            ok(call(kiln, kiln.token(), "POST", "start", "{\"id\":\"" + changing + "\"}"));
            kiln.await("recording again", LIMIT, () -> bitrate(kiln, changing), b -> b > 0);
            kiln.await("7 s published", LIMIT, () -> outTimeSeconds(ffmpeg), t -> t >= 7);
            for (String id : ids) {
                ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + id + "\"}"));
            }
            ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + changing + "\"}"));
        }
        for (int i = 0; i < ids.size(); i++) {
            JsonNode files = recordedFiles(kiln, ids.get(i));
            assertThat(files.size()).as("files of %s", ids.get(i)).isEqualTo(1);
            Path path = Path.of(files.get(0).path("path").asText());
            assertThat(path.getFileName().toString()).endsWith("." + List.of("mov", "avi", "flv").get(i));
            MediaProbe probe = MediaProbe.of(path);
            assertThat(probe.types()).as("%s", path).containsExactlyInAnyOrder("video", "audio");
            assertThat(probe.duration()).as("%s", path).isGreaterThan(3);
            decodesCleanly(path);
        }
        JsonNode changed = recordedFiles(kiln, changing);
        assertThat(changed.size()).isEqualTo(2);
        assertThat(changed.get(0).path("name").asText()).endsWith(".mp4");
        assertThat(changed.get(1).path("name").asText()).endsWith(".flv");
        assertThat(MediaProbe.of(Path.of(changed.get(1).path("path").asText())).types())
                .containsExactlyInAnyOrder("video", "audio");
    }

    @Test
    void aLostInputClosesTheFileAndItsReturnStartsANewOne() {
        KilnProcess kiln = KILN.process();
        String id = created(create(kiln, task("lost input", "cal_lost", "mp4")));
        String url = "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/cal_lost";
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(kiln.workDir().resolve("ffmpeg"), url)) {
            kiln.await("recording", LIMIT, () -> bitrate(kiln, id), b -> b > 0);
            kiln.await("3 s published", LIMIT, () -> outTimeSeconds(ffmpeg), t -> t >= 3);
            ffmpeg.kill();
            JsonNode first = kiln.await("the first file finished", LIMIT, () -> recordedFiles(kiln, id),
                    f -> f.size() == 1);
            assertThat(MediaProbe.of(Path.of(first.get(0).path("path").asText())).duration()).isGreaterThan(1.5);
        }
        try (FfmpegPublisher again = FfmpegPublisher.small(kiln.workDir().resolve("ffmpeg"), url)) {
            kiln.await("recording again", LIMIT, () -> bitrate(kiln, id), b -> b > 0);
            kiln.await("3 s published", LIMIT, () -> outTimeSeconds(again), t -> t >= 3);
            ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + id + "\"}"));
        }
        JsonNode files = recordedFiles(kiln, id);
        assertThat(files.size()).isEqualTo(2);
        assertThat(files.get(0).path("path").asText()).isNotEqualTo(files.get(1).path("path").asText());
        for (JsonNode f : files) {
            assertThat(MediaProbe.of(Path.of(f.path("path").asText())).types()).containsExactlyInAnyOrder("video", "audio");
        }
    }

    @Test
    void aUrlInputIsPulledWithItsQueryOptions() throws Exception {
        KilnProcess kiln = KILN.process();
        int port = freeUdpPort();
        String id = created(create(kiln, "{\"recording_name\":\"srt url\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_SRT_URL\",\"input_stream_url\":\"srt://127.0.0.1:" + port
                + "?latency=200000&rcvbuf=12058624\"},\"output_format\":\"mp4\"}"));
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.start(kiln.workDir().resolve("ffmpeg"),
                "srt://127.0.0.1:" + port + "?mode=listener", "320x240", "ultrafast", List.of(), "mpegts")) {
            kiln.await("recording", LIMIT, () -> bitrate(kiln, id), b -> b > 0);
            double from = outTimeSeconds(ffmpeg);
            kiln.await("4 s more published", LIMIT, () -> outTimeSeconds(ffmpeg), t -> t >= from + 4);
            ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + id + "\"}"));
        }
        JsonNode files = recordedFiles(kiln, id);
        assertThat(files.size()).isEqualTo(1);
        MediaProbe probe = MediaProbe.of(Path.of(files.get(0).path("path").asText()));
        assertThat(probe.types()).containsExactlyInAnyOrder("video", "audio");
        assertThat(probe.duration()).isGreaterThan(3);
        assertError(create(kiln, "{\"recording_name\":\"bad url\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_RTSP_URL\",\"input_stream_url\":\"file:///etc/passwd\"},"
                + "\"output_format\":\"mp4\"}"), 400, "[input.input_stream_url]");
    }

    @Test
    void aListenInputTakesWhatIsSentToItsPortAndABusyPortIsA409NamingIt() throws Exception {
        KilnProcess kiln = KILN.process();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String listen = "\"input\":{\"input_type\":\"INPUT_TYPE_RTMP_LISTEN\","
                + "\"input_stream_listen_port\":{\"port\":" + port + ",\"transport\":\"TCP\"}}";
        String id = created(create(kiln, "{\"recording_name\":\"rtmp listen\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + listen + ",\"output_format\":\"flv\"}"));
        assertError(create(kiln, "{\"recording_name\":\"same port\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + listen + ",\"output_format\":\"flv\"}"), 409, id);
        assertError(create(kiln, "{\"recording_name\":\"kiln's port\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_RTMP_LISTEN\",\"input_stream_listen_port\":{\"port\":"
                + kiln.rtmpPort() + "}},\"output_format\":\"flv\"}"), 409, "port " + kiln.rtmpPort());
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            assertError(create(kiln, "{\"recording_name\":\"taken\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                    + "\"input\":{\"input_type\":\"INPUT_TYPE_RTMP_LISTEN\",\"input_stream_listen_port\":{\"port\":"
                    + taken.getLocalPort() + "}},\"output_format\":\"flv\"}"), 409, "port " + taken.getLocalPort());
        }
        String url = "rtmp://127.0.0.1:" + port + "/live/stream";
        FfmpegPublisher[] ffmpeg = {null};
        try {
            // The listener may not be up yet: start ffmpeg again until it gets through.
            kiln.await("recording what is sent to port " + port, LIMIT, () -> {
                if (ffmpeg[0] == null || !ffmpeg[0].isAlive()) {
                    ffmpeg[0] = FfmpegPublisher.small(kiln.workDir().resolve("ffmpeg"), url);
                }
                return bitrate(kiln, id);
            }, b -> b > 0);
            double from = outTimeSeconds(ffmpeg[0]);
            kiln.await("4 s more published", LIMIT, () -> outTimeSeconds(ffmpeg[0]), t -> t >= from + 4);
            ok(call(kiln, kiln.token(), "POST", "stop", "{\"id\":\"" + id + "\"}"));
        } finally {
            if (ffmpeg[0] != null) {
                ffmpeg[0].close();
            }
        }
        JsonNode files = recordedFiles(kiln, id);
        assertThat(files.size()).isEqualTo(1);
        MediaProbe probe = MediaProbe.of(Path.of(files.get(0).path("path").asText()));
        assertThat(probe.types()).containsExactlyInAnyOrder("video", "audio");
        assertThat(probe.duration()).isGreaterThan(3);
    }

    @Test
    void aTaskTranscodesTheVideoToH265ThroughTheCodecPluginAndPassesTheAudioThrough() throws Exception {
        KilnProcess kiln = KILN.process();
        String disabled = "\"video_transcoding\":\"Disabled\"";
        String bad = task("bad transcoding", "cal_h265", "mp4");
        assertError(create(kiln, bad.replace(disabled, "\"video_transcoding\":\"h264_720p\"")), 400,
                "[transcoding.video_transcoding]");
        assertError(create(kiln, bad.replace(disabled, "\"video_transcoding\":{\"width\":640}")), 400,
                "[transcoding.video_transcoding.codec]");
        assertError(create(kiln, bad.replace(disabled, "\"video_transcoding\":{\"codec\":\"h265\",\"width\":641}")),
                400, "[transcoding.video_transcoding.width]");
        assertError(create(kiln, bad.replace("\"audio_transcoding\":\"Disabled\"", "\"audio_transcoding\":\"mp3\"")),
                400, "[transcoding.audio_transcoding]");

        // One after the other: two H.265 encodes side by side fall behind on a small, busy machine.
        recordsHevcAndTheAudioAsSent(kiln, "h265 by name", "cal_h265_named", "\"h265\"", 320, 240);
        // The publisher sends 320x240; 640 wide keeps the ratio: 640x480.
        recordsHevcAndTheAudioAsSent(kiln, "h265 640 wide", "cal_h265_sized",
                "{\"codec\":\"h265\",\"width\":640,\"preset\":\"ultrafast\"}", 640, 480);
    }

    /** A task with {@code video_transcoding} (JSON) and audio Disabled records hevc at that size and the AAC sent. */
    private static void recordsHevcAndTheAudioAsSent(KilnProcess kiln, String name, String stream, String video,
                                                     int width, int height) throws Exception {
        String id = created(create(kiln, task(name, stream, "mp4")
                .replace("\"video_transcoding\":\"Disabled\"", "\"video_transcoding\":" + video)));
        JsonNode transcoding = ok(call(kiln, kiln.token(), "POST", "getById", "{\"id\":\"" + id + "\"}"))
                .path("transcoding");
        JsonNode given = KilnApi.JSON.readTree(video);
        JsonNode stored = transcoding.path("video_transcoding");
        if (given.isObject()) {
            assertThat(stored.path("codec").asText()).as("%s", transcoding).isEqualTo(given.path("codec").asText());
            assertThat(stored.path("width").asInt()).as("%s", transcoding).isEqualTo(given.path("width").asInt());
        } else {
            assertThat(stored.asText()).as("%s", transcoding).isEqualTo(given.asText());
        }
        assertThat(transcoding.path("audio_transcoding").asText()).isEqualTo("Disabled");
        try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(kiln.workDir().resolve("ffmpeg"),
                "rtmp://127.0.0.1:" + kiln.rtmpPort() + "/app/" + stream)) {
            kiln.await("the task writing", LIMIT, () -> bitrate(kiln, id), b -> b > 0);
            kiln.await("8 s published", LIMIT, () -> outTimeSeconds(ffmpeg), t -> t >= 8);
            assertThat(ffmpeg.isAlive()).isTrue();
        }
        JsonNode files = kiln.await("the file", LIMIT, () -> recordedFiles(kiln, id), f -> f.size() == 1);
        Path path = Path.of(files.get(0).path("path").asText());
        FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error",
                "-show_entries", "stream=codec_type,codec_name,width,height,sample_rate,channels,bit_rate",
                "-show_entries", "format=duration", "-of", "json", path.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode json = KilnApi.JSON.readTree(r.output().substring(r.output().indexOf('{')));
        JsonNode v = null;
        JsonNode a = null;
        for (JsonNode s : json.path("streams")) {
            if (s.path("codec_type").asText().equals("video")) {
                v = s;
            } else if (s.path("codec_type").asText().equals("audio")) {
                a = s;
            }
        }
        assertThat(v).as(r.output()).isNotNull();
        assertThat(a).as(r.output()).isNotNull();
        assertThat(v.path("codec_name").asText()).as(r.output()).isEqualTo("hevc");
        assertThat(v.path("width").asInt()).as(r.output()).isEqualTo(width);
        assertThat(v.path("height").asInt()).as(r.output()).isEqualTo(height);
        // The publisher's AAC as it was sent: 48 kHz stereo at 128 kbit/s.
        assertThat(a.path("codec_name").asText()).as(r.output()).isEqualTo("aac");
        assertThat(a.path("sample_rate").asInt()).as(r.output()).isEqualTo(48_000);
        assertThat(a.path("channels").asInt()).as(r.output()).isEqualTo(2);
        assertThat(a.path("bit_rate").asDouble()).as(r.output()).isCloseTo(128_000, within(32_000.0));
        assertThat(json.path("format").path("duration").asDouble()).as(r.output()).isGreaterThan(3);
        decodesCleanly(path);
        ok(call(kiln, kiln.token(), "DELETE", "remove", "{\"id\":\"" + id + "\"}"));
    }

    @Test
    void tasksSurviveARestart() {
        Path data;
        String idle;
        String running;
        String transcoded;
        try (KilnProcess first = KilnProcess.builder().name("callaba-persist-1").distributionPlugins().start()) {
            data = first.dataDir();
            idle = created(create(first, task("kept idle", "cal_keep_a", "mov").replace("\"active\":true", "\"active\":false")));
            running = created(create(first, task("kept running", "cal_keep_b", "flv")));
            transcoded = created(create(first, task("kept transcoding", "cal_keep_b", "mp4").replace(
                    "\"video_transcoding\":\"Disabled\"", "\"video_transcoding\":{\"codec\":\"h265\",\"width\":160}")));
        }
        try (KilnProcess second = KilnProcess.builder().name("callaba-persist-2").distributionPlugins().dataDir(data)
                .start()) {
            JsonNode all = ok(call(second, second.token(), "POST", "getAll", ""));
            assertThat(all.isArray()).isTrue();
            assertThat(all.size()).isEqualTo(3);
            assertThat(all.get(0).path("id").asText()).isEqualTo(idle);
            assertThat(all.get(0).path("active").asBoolean(true)).isFalse();
            assertThat(all.get(0).path("output_format").asText()).isEqualTo("mov");
            assertThat(all.get(1).path("id").asText()).isEqualTo(running);
            assertThat(all.get(1).path("active").asBoolean()).isTrue();
            assertThat(all.get(1).path("input").path("input_stream_id").asText()).isEqualTo("cal_keep_b");
            assertThat(all.get(2).path("id").asText()).isEqualTo(transcoded);
            assertThat(all.get(2).path("transcoding").path("video_transcoding").path("width").asInt()).isEqualTo(160);
            try (FfmpegPublisher ffmpeg = FfmpegPublisher.small(second.workDir().resolve("ffmpeg"),
                    "rtmp://127.0.0.1:" + second.rtmpPort() + "/app/cal_keep_b")) {
                second.await("the restored task recording", LIMIT, () -> bitrate(second, running), b -> b > 0);
                // Restored with the codec plugin there or still starting (then it waited for it): it transcodes.
                second.await("the restored transcoding task recording", LIMIT, () -> bitrate(second, transcoded),
                        b -> b > 0);
            }
        }
    }

    // ---- helpers ----

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String task(String name, String stream, String format) {
        return "{\"recording_name\":\"" + name + "\",\"recording_type\":\"RECORDING_STREAM_TO_FILE\","
                + "\"input\":{\"input_type\":\"INPUT_TYPE_RTMP_SOFTWARE\",\"input_module_id\":\"app\","
                + "\"input_stream_id\":\"" + stream + "\"},"
                + "\"transcoding\":{\"video_transcoding\":\"Disabled\",\"audio_transcoding\":\"Disabled\"},"
                + "\"output_format\":\"" + format + "\",\"active\":true}";
    }

    private static KilnApi.Reply create(KilnProcess kiln, String body) {
        return call(kiln, kiln.token(), "POST", "create", body);
    }

    /** The id of a created task; create answers {"id", "created", "success":"true"}. */
    private static String created(KilnApi.Reply reply) {
        JsonNode json = ok(reply);
        assertThat(json.path("success").isTextual()).as("success of %s", reply).isTrue();
        assertThat(json.path("success").asText()).isEqualTo("true");
        assertThat(json.path("created").asText()).isNotEmpty();
        return json.path("id").asText();
    }

    private static JsonNode recordedFiles(KilnProcess kiln, String id) {
        return ok(call(kiln, kiln.token(), "POST", "getById", "{\"id\":\"" + id + "\"}")).path("recordedFiles");
    }

    private static long bitrate(KilnProcess kiln, String id) {
        for (JsonNode s : ok(call(kiln, kiln.token(), "POST", "getStat", ""))) {
            if (s.path("id").asText().equals(id)) {
                assertThat(s.path("bitrate").isNumber()).as("bitrate of %s", s).isTrue();
                return s.path("bitrate").asLong();
            }
        }
        throw new AssertionError("no getStat entry for " + id);
    }

    private static double outTimeSeconds(FfmpegPublisher ffmpeg) {
        try {
            return Long.parseLong(ffmpeg.progress().getOrDefault("out_time_us", "0")) / 1e6;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static JsonNode ok(KilnApi.Reply reply) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(200);
        assertThat(reply.contentType().orElse("")).as("content type of %s", reply).startsWith("application/json");
        return reply.json();
    }

    private static void assertError(KilnApi.Reply reply, int status, String named) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        JsonNode json = reply.json();
        assertThat(json.path("success").asBoolean(true)).as("success of %s", reply).isFalse();
        assertThat(json.path("message").asText()).as("message of %s", reply).contains(named);
    }

    /** One call with {@code x-access-token: token} (none when null). */
    private static KilnApi.Reply call(KilnProcess kiln, String token, String method, String action, String body) {
        String path = "/api/recording/" + action;
        HttpRequest.Builder request = HttpRequest.newBuilder(kiln.api().uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("x-access-token", token);
        }
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new KilnApi.Reply(method + " " + path + " " + body, r.statusCode(),
                    r.headers().firstValue("Content-Type"), List.of(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The file decodes without an error from ffmpeg. */
    private static void decodesCleanly(Path file) {
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60),
                List.of("-v", "error", "-i", file.toString(), "-f", "null", "-"));
        assertThat(r.exitCode()).as("decoding %s: %s", file, r.output()).isZero();
    }

    /** The frequency of the file's (first) audio track, from the zero crossings of its decoded samples. */
    private static double toneHz(Path file) throws IOException {
        Path pcm = file.resolveSibling(file.getFileName() + ".s16le");
        FfmpegTool.Result r = FfmpegTool.runFfmpeg(Duration.ofSeconds(60), List.of("-v", "error", "-y",
                "-i", file.toString(), "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", pcm.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        ByteBuffer samples = ByteBuffer.wrap(Files.readAllBytes(pcm)).order(ByteOrder.LITTLE_ENDIAN);
        Files.delete(pcm);
        int n = samples.remaining() / 2;
        assertThat(n).as("decoded samples").isGreaterThan(48_000 * 3);
        // Skip the first and last half second (encoder priming, fade).
        int from = 24_000;
        int to = n - 24_000;
        int crossings = 0;
        short previous = samples.getShort(from * 2);
        for (int i = from + 1; i < to; i++) {
            short s = samples.getShort(i * 2);
            if ((previous < 0 && s >= 0) || (previous >= 0 && s < 0)) {
                crossings++;
            }
            previous = s;
        }
        double seconds = (to - from) / 48_000.0;
        return crossings / 2.0 / seconds;
    }
}
