package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SRT ingest end to end: the distribution with the SRT bundle (and the MPEG-TS library it
 * uses), real libsrt callers (the bundled ffmpeg, Debian's srt-live-transmit), every check
 * through the REST API and ffprobe.
 */
class SrtIngestIT {
    private static final String BUNDLE = "dev.kiln.ingest.srt";
    static final String SRT_BUNDLES = "kiln-{rtmp-protocol,mpegts,ingest-srt,recorder}-*.jar";
    private static final int INPUT_TIMEOUT_SECONDS = 4;
    private static final String PASSPHRASE = "kiln-srt-passphrase";
    private static final Duration START_LIMIT = Duration.ofSeconds(20);
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("srt")
            .distributionPlugins(SRT_BUNDLES)
            .env("KILN_INPUT_TIMEOUT", Integer.toString(INPUT_TIMEOUT_SECONDS)));

    @Test
    void theBundleIsActive() {
        JsonNode plugins = ok(KILN.api().get("/v1/plugins"));
        assertThat(StreamSupport.stream(plugins.spliterator(), false)
                .filter(p -> BUNDLE.equals(p.path("symbolicName").asText()))
                .map(p -> p.path("state").asText()))
                .as("%s in GET /v1/plugins: %s", BUNDLE, plugins)
                .containsExactly("ACTIVE");
    }

    @Test
    void eachStreamIdFormGivesAStreamWithItsTracks() {
        int port = KILN.process().srtPort();
        try (Caller plain = Caller.ffmpeg(dir(), url(port, "default/app/plain"));
             Caller access = Caller.ffmpeg(dir(), url(port, "%23!::r=default/app/access,m=publish"));
             Caller ome = Caller.ffmpeg(dir(), url(port, "srt%3A%2F%2F127.0.0.1%3A" + port + "%2Fapp%2Fome"))) {
            for (String name : List.of("plain", "access", "ome")) {
                checkTracks(KILN.process(), name);
            }
            assertThat(inputOf(KILN.process(), "plain").path("sourceType").asText()).isEqualTo("Srt");
            assertThat(plain.isAlive() && access.isAlive() && ome.isAlive()).isTrue();
        }
    }

    @Test
    void aRecordingOfAnSrtStreamIsPlayable() throws Exception {
        KilnApi api = KILN.api();
        ApiAssertions.batch(api.post("/v1/vhosts/default/apps", "[{\"name\": \"rec\", \"type\": \"live\", \"outputProfiles\": "
                + "{\"outputProfile\": [{\"name\": \"bypass\", \"outputStreamName\": \"${OriginStreamName}\", "
                + "\"encodes\": {\"videos\": [{\"bypass\": true}], \"audios\": [{\"bypass\": true}]}}]}}]"), 200, 200);
        try (Caller ffmpeg = Caller.ffmpeg(dir(), url(KILN.process().srtPort(), "default/rec/r1"))) {
            KILN.process().await("stream r1 listed", START_LIMIT, () -> streams(KILN.process(), "rec"),
                    s -> s.contains("r1"));
            ok(api.post("/v1/vhosts/default/apps/rec:startRecord",
                    "{\"id\":\"srt-rec\",\"stream\":{\"name\":\"r1\"},\"filePath\":\"srt/r1.ts\"}"));
            KILN.process().await("3 s recorded", Duration.ofSeconds(30),
                    () -> recordTask(api).path("recordTime").asLong(), t -> t >= 3000);
            JsonNode stopped = ok(api.post("/v1/vhosts/default/apps/rec:stopRecord", "{\"id\":\"srt-rec\"}"));
            Path file = Path.of(stopped.path("outputFilePath").asText(recordTask(api).path("outputFilePath").asText()));
            MediaProbe probe = MediaProbe.of(file);
            assertThat(probe.types()).containsExactly("video", "audio");
            assertThat(probe.duration()).as("duration of %s", file).isGreaterThan(2.0);
            assertThat(ffmpeg.isAlive()).isTrue();
        }
    }

    @Test
    void tenConcurrentPublishersOnTheOnePort() {
        List<Caller> callers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                names.add("many" + i);
                callers.add(Caller.ffmpeg(dir(), url(KILN.process().srtPort(), "default/app/many" + i)));
            }
            KILN.process().await("10 streams listed", Duration.ofSeconds(40),
                    () -> streams(KILN.process(), "app"), s -> s.containsAll(names));
            for (String name : names) {
                checkTracks(KILN.process(), name);
            }
            for (Caller c : callers) {
                assertThat(c.isAlive()).as("%s still publishing:\n%s", c, c.output()).isTrue();
            }
        } finally {
            callers.forEach(Caller::close);
        }
        KILN.process().await("the 10 streams gone", Duration.ofSeconds(INPUT_TIMEOUT_SECONDS + 6),
                () -> streams(KILN.process(), "app"), s -> s.stream().noneMatch(names::contains));
    }

    @Test
    void anUnknownApplicationOrALiveNameIsRefusedWhileTheFirstGoesOn() {
        int port = KILN.process().srtPort();
        try (Caller nope = Caller.ffmpeg(dir(), url(port, "default/nosuchapp/x"))) {
            assertThat(nope.awaitExit(EXIT_LIMIT)).as("ffmpeg to an unknown app:\n%s", nope.output()).isNotZero();
        }
        try (Caller first = Caller.ffmpeg(dir(), url(port, "default/app/taken"))) {
            KILN.process().await("taken listed", START_LIMIT, () -> streams(KILN.process(), "app"), s -> s.contains("taken"));
            String created = inputOf(KILN.process(), "taken").path("createdTime").asText();
            try (Caller second = Caller.ffmpeg(dir(), url(port, "default/app/taken"))) {
                assertThat(second.awaitExit(EXIT_LIMIT)).as("second publisher:\n%s", second.output()).isNotZero();
            }
            assertThat(first.isAlive()).as("first publisher:\n%s", first.output()).isTrue();
            assertThat(inputOf(KILN.process(), "taken").path("createdTime").asText()).isEqualTo(created);
        }
    }

    @Test
    void deletingTheStreamDisconnectsTheCaller() {
        try (Caller ffmpeg = Caller.ffmpeg(dir(), url(KILN.process().srtPort(), "default/app/deleted"))) {
            KILN.process().await("deleted listed", START_LIMIT, () -> streams(KILN.process(), "app"), s -> s.contains("deleted"));
            ok(KILN.api().delete("/v1/vhosts/default/apps/app/streams/deleted"));
            assertThat(ffmpeg.awaitExit(EXIT_LIMIT)).as("ffmpeg after DELETE:\n%s", ffmpeg.output()).isNotZero();
            assertThat(streams(KILN.process(), "app")).doesNotContain("deleted");
        }
    }

    @Test
    void hostileDatagramsDoNotDisturbAStream() throws Exception {
        int port = KILN.process().srtPort();
        try (Caller ffmpeg = Caller.ffmpeg(dir(), url(port, "default/app/steady"));
             DatagramSocket attacker = new DatagramSocket()) {
            checkTracks(KILN.process(), "steady");
            long before = bytesIn("steady");
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            Random random = new Random(7);
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int sent = 0;
            while (System.nanoTime() < end) {
                byte[] junk = new byte[random.nextInt(1500)];
                random.nextBytes(junk);
                attacker.send(new DatagramPacket(junk, junk.length, target));
                attacker.send(new DatagramPacket(forgedHandshake(random), 64, target));
                sent += 2;
                if (sent % 200 == 0) {
                    Thread.sleep(1); // ~100k datagrams a second is not the point; many different kinds are
                }
            }
            KILN.process().await("more bytes from the caller after " + sent + " hostile datagrams",
                    Duration.ofSeconds(5), () -> bytesIn("steady"), b -> b > before + 50_000);
            assertThat(ffmpeg.isAlive()).as("caller:\n%s", ffmpeg.output()).isTrue();
            checkTracks(KILN.process(), "steady");
        }
    }

    @Test
    void withAPassphraseOnlyCallersThatKnowItGetIn() throws Exception {
        try (KilnProcess kiln = KilnProcess.builder().name("srt-aes").distributionPlugins(SRT_BUNDLES)
                .env("KILN_INPUT_TIMEOUT", Integer.toString(INPUT_TIMEOUT_SECONDS))
                .env("KILN_SRT_PASSPHRASE", PASSPHRASE).start()) {
            int port = kiln.srtPort();
            try (Caller wrong = Caller.ffmpeg(dir(), url(port, "default/app/wrong") + "&passphrase=not-the-passphrase");
                 Caller none = Caller.ffmpeg(dir(), url(port, "default/app/none"))) {
                assertThat(wrong.awaitExit(EXIT_LIMIT)).as("wrong passphrase:\n%s", wrong.output()).isNotZero();
                assertThat(none.awaitExit(EXIT_LIMIT)).as("no passphrase:\n%s", none.output()).isNotZero();
            }
            try (Caller ffmpeg = Caller.ffmpeg(dir(), url(port, "default/app/aes") + "&passphrase=" + PASSPHRASE
                    + "&pbkeylen=32");
                 Caller slt = Caller.srtLiveTransmit(dir(), "srt://127.0.0.1:" + port
                         + "?streamid=#!::r=default/app/slt,m=publish&passphrase=" + PASSPHRASE)) {
                checkTracks(kiln, "aes");
                checkTracks(kiln, "slt");
                assertThat(streams(kiln, "app")).doesNotContain("wrong", "none");
            }
        }
    }

    // ---- helpers ----

    private static Path dir() {
        return KILN.process().workDir().resolve("callers");
    }

    private static String url(int port, String streamId) {
        return "srt://127.0.0.1:" + port + "?streamid=" + streamId;
    }

    private static List<String> streams(KilnProcess kiln, String app) {
        JsonNode names = ok(kiln.api().get("/v1/vhosts/default/apps/" + app + "/streams"));
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode inputOf(KilnProcess kiln, String stream) {
        return ok(kiln.api().get("/v1/vhosts/default/apps/app/streams/" + stream)).path("input");
    }

    private static long bytesIn(String stream) {
        return ok(KILN.api().get("/v1/stats/current/vhosts/default/apps/app/streams/" + stream))
                .path("totalBytesIn").asLong();
    }

    private static JsonNode recordTask(KilnApi api) {
        JsonNode tasks = ok(api.post("/v1/vhosts/default/apps/rec:records", "{}"));
        for (JsonNode t : tasks) {
            if ("srt-rec".equals(t.path("id").asText())) {
                return t;
            }
        }
        throw new AssertionError("no task srt-rec in " + tasks);
    }

    /** H.264 320x240 and AAC 48 kHz stereo, as {@link Caller#ffmpeg} sends them. */
    private static void checkTracks(KilnProcess kiln, String name) {
        JsonNode tracks = kiln.await("both tracks of " + name, START_LIMIT,
                () -> streams(kiln, "app").contains(name) ? inputOf(kiln, name).path("tracks") : null,
                t -> t != null && t.size() == 2);
        JsonNode video = track(tracks, "Video").path("video");
        JsonNode audio = track(tracks, "Audio").path("audio");
        assertThat(video.path("codec").asText()).as("%s video", name).isEqualTo("H264");
        assertThat(video.path("width").asInt()).as("%s width", name).isEqualTo(320);
        assertThat(video.path("height").asInt()).as("%s height", name).isEqualTo(240);
        assertThat(audio.path("codec").asText()).as("%s audio", name).isEqualTo("AAC");
        assertThat(audio.path("samplerate").asInt()).as("%s samplerate", name).isEqualTo(48000);
        assertThat(audio.path("channel").asInt()).as("%s channels", name).isEqualTo(2);
    }

    private static JsonNode track(JsonNode tracks, String type) {
        return StreamSupport.stream(tracks.spliterator(), false)
                .filter(t -> type.equals(t.path("type").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " track in " + tracks));
    }

    /** An SRT induction or conclusion handshake with random fields, socket ids and cookies. */
    private static byte[] forgedHandshake(Random random) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putInt(0x80000000).putInt(0).putInt(random.nextInt()).putInt(random.nextBoolean() ? 0 : random.nextInt());
        b.putInt(random.nextBoolean() ? 4 : 5).putShort((short) 0).putShort((short) 2).putInt(random.nextInt())
                .putInt(1500).putInt(8192).putInt(random.nextBoolean() ? 1 : -1).putInt(random.nextInt())
                .putInt(random.nextInt());
        return b.array();
    }

    /** An SRT caller process publishing a test pattern and a tone as MPEG-TS until closed. */
    static final class Caller implements AutoCloseable {
        private final List<Process> processes;
        private final Path log;

        private Caller(List<Process> processes, Path log) {
            this.processes = processes;
            this.log = log;
        }

        private static List<String> ffmpegArgs(String output) {
            return List.of("-loglevel", "warning", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                    "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-c:a", "aac", "-ac", "2",
                    "-f", "mpegts", output);
        }

        /** The bundled ffmpeg (libsrt inside) as the SRT caller. */
        static Caller ffmpeg(Path dir, String url) {
            Path log = logFile(dir, "ffmpeg-srt");
            return new Caller(List.of(FfmpegTool.startFfmpeg(log, ffmpegArgs(url))), log);
        }

        /** ffmpeg sends MPEG-TS over local UDP to srt-live-transmit, the SRT caller. */
        static Caller srtLiveTransmit(Path dir, String url) {
            Path slt = Path.of("/usr/bin/srt-live-transmit");
            assertThat(slt).as("srt-live-transmit (Debian package srt-tools; ./kiln test installs it)").isExecutable();
            Path log = logFile(dir, "srt-live-transmit");
            try {
                int udp;
                try (DatagramSocket free = new DatagramSocket(0)) {
                    udp = free.getLocalPort();
                }
                Process transmit = new ProcessBuilder(slt.toString(), "-q", "udp://127.0.0.1:" + udp, url)
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                Process ffmpeg = FfmpegTool.startFfmpeg(logFile(dir, "ffmpeg-udp"),
                        ffmpegArgs("udp://127.0.0.1:" + udp + "?pkt_size=1316"));
                return new Caller(List.of(transmit, ffmpeg), log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Path logFile(Path dir, String prefix) {
            try {
                Files.createDirectories(dir);
                return Files.createTempFile(dir, prefix + "-", ".log");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isAlive() {
            return processes.stream().allMatch(Process::isAlive);
        }

        int awaitExit(Duration limit) {
            Process p = processes.get(0);
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("still running after " + limit.toSeconds() + " s:\n" + output());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return p.exitValue();
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        @Override
        public void close() {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public String toString() {
            return "SRT caller (" + log.getFileName() + ")";
        }
    }
}
