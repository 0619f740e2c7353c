package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A few hundred randomized, truncated and corrupted RTMP connections (handshakes, chunk
 * headers, AMF0 commands, FLV tags) against the running distribution, with Netty's leak
 * detector at PARANOID, while one real ffmpeg publisher streams. Afterwards the log has no
 * leak report and no ERROR line, the good stream is still there and a new publisher is taken.
 * The seed is printed in failures; rerun one with -Dkiln.it.hostileSeed=….
 */
class RtmpHostileInputIT {
    private static final int CONNECTIONS = 300;
    private static final int PARALLEL = 4;
    private static final int KINDS = 9;
    private static final int DRAIN_IDLE_MILLIS = 200;
    private static final long SEED = Long.getLong("kiln.it.hostileSeed", System.nanoTime());
    /** An AVC sequence header as libx264 sends it for 320x240 (FLV tag body). */
    private static final byte[] AVC_SEQUENCE_HEADER = HexFormat.of().parseHex(
            "17000000000142c00dffe100166742c00dda0507ec0440000003004000000f03c50aa801000468ce0fc8");
    private static final byte[] AAC_SEQUENCE_HEADER = HexFormat.of().parseHex("af001190");

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("rtmp-hostile")
            .distributionPlugins(RtmpIngestIT.RTMP_BUNDLE)
            .javaOption("-Dio.netty.leakDetection.level=PARANOID"));

    @Test
    void hostileConnectionsCloseOnlyThemselves() throws Exception {
        Path dir = KILN.process().workDir().resolve("publishers");
        int port = KILN.process().rtmpPort();
        try (TcpRelay relay = new TcpRelay(port);
             FfmpegPublisher good = FfmpegPublisher.small(dir, "rtmp://127.0.0.1:" + relay.port() + "/app/good")) {
            KILN.process().await("the good stream listed", Duration.ofSeconds(20),
                    RtmpHostileInputIT::streams, s -> s.contains("good") || !good.isAlive());

            AtomicIntegerArray kinds = new AtomicIntegerArray(KINDS);
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
            try {
                List<Future<?>> runs = new ArrayList<>();
                Random seeds = new Random(SEED);
                for (int i = 0; i < CONNECTIONS; i++) {
                    int n = i;
                    Random random = new Random(seeds.nextLong());
                    runs.add(pool.submit(() -> {
                        kinds.incrementAndGet(hostileConnection(port, random, n));
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int k = 0; k < KINDS; k++) {
                assertThat(kinds.get(k)).as("connections of kind %d (seed %d): %s", k, SEED, kinds).isPositive();
            }

            assertThat(good.isAlive()).as("good publisher (seed %d):\n%s", SEED, good.output()).isTrue();
            assertThat(streams()).as("the good stream (seed %d)", SEED).contains("good");
            long bytes = relay.bytesToServer();
            KILN.process().await("the good publisher still streaming", Duration.ofSeconds(5),
                    relay::bytesToServer, b -> b > bytes + 10_000);

            collectGarbage(); // leaked buffers are reported once collected, on a later allocation
            try (FfmpegPublisher after = FfmpegPublisher.small(dir, "rtmp://127.0.0.1:" + port + "/app/after")) {
                KILN.process().await("a new publisher accepted", Duration.ofSeconds(20),
                        RtmpHostileInputIT::streams, s -> s.contains("after") || !after.isAlive());
                assertThat(after.isAlive()).as("new publisher:\n%s", after.output()).isTrue();
                collectGarbage();
                long more = relay.bytesToServer();
                KILN.process().await("traffic after the collection", Duration.ofSeconds(5),
                        relay::bytesToServer, b -> b > more + 10_000);
            }
        }
        List<String> bad = KILN.process().logLines().stream()
                .filter(line -> line.contains("LEAK:") || line.matches("\\S+ ERROR .*"))
                .toList();
        assertThat(bad).as("leak reports and ERROR lines in the log (seed %d)", SEED).isEmpty();
        assertThat(KILN.process().logLines()).as("the hostile connections were seen")
                .anyMatch(line -> line.contains("closing connection"));
    }

    /** One connection of a randomly chosen kind, which it returns; it ends with a close or a reset. */
    private static int hostileConnection(int port, Random random, int n) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(2_000);
            if (random.nextBoolean()) {
                socket.setSoLinger(true, 0); // RST on close
            }
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int kind = random.nextInt(KINDS);
            try {
                switch (kind) {
                    case 0 -> out.write(randomBytes(random, 1 + random.nextInt(4000)));
                    case 1 -> { // wrong version, then anything
                        byte[] c0c1 = RtmpBytes.c0c1();
                        c0c1[0] = (byte) (4 + random.nextInt(250));
                        out.write(c0c1);
                    }
                    case 2 -> out.write(Arrays.copyOf(RtmpBytes.c0c1(), random.nextInt(RtmpBytes.HANDSHAKE_SIZE)));
                    case 3 -> {
                        handshake(out, in);
                        out.write(randomBytes(random, 1 + random.nextInt(3000)));
                    }
                    case 4 -> {
                        handshake(out, in);
                        out.write(truncatedCommand(random));
                    }
                    case 5 -> {
                        handshake(out, in);
                        publish(out, "hostile" + n);
                        out.write(corruptMedia(random));
                    }
                    case 6 -> {
                        handshake(out, in);
                        long[] sizes = {0, 1, 65_537, 0x7FFF_FFFFL, 0xFFFF_FFFFL, random.nextInt()};
                        out.write(RtmpBytes.setChunkSize(sizes[random.nextInt(sizes.length)] & 0xFFFF_FFFFL));
                        out.write(randomBytes(random, random.nextInt(2000)));
                    }
                    case 7 -> {
                        handshake(out, in);
                        for (int i = 0; i < 1 + random.nextInt(8); i++) {
                            out.write(RtmpBytes.message(2 + random.nextInt(60), random.nextInt(256),
                                    random.nextInt(3), random.nextInt(0x1FFFFFF), randomBytes(random, random.nextInt(600))));
                        }
                    }
                    default -> { // a message longer than announced, then a cut
                        handshake(out, in);
                        publish(out, "cut" + n);
                        byte[] video = RtmpBytes.message(6, RtmpBytes.VIDEO, 1, 0, AVC_SEQUENCE_HEADER,
                                AVC_SEQUENCE_HEADER.length + random.nextInt(100_000), RtmpBytes.DEFAULT_CHUNK_SIZE);
                        out.write(video, 0, random.nextInt(video.length));
                    }
                }
                out.flush();
                drain(socket, in); // let the server read it all before our close (a reset drops unread data)
            } catch (IOException serverClosedFirst) {
                // the server may drop the connection while we still write: what we test
            }
            return kind;
        }
    }

    /** Reads and drops what the server sends until it closes or stays silent for a moment. */
    private static void drain(Socket socket, InputStream in) throws IOException {
        socket.setSoTimeout(DRAIN_IDLE_MILLIS);
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (java.net.SocketTimeoutException idle) {
            // the server waits for more: close now
        }
    }

    private static void handshake(OutputStream out, InputStream in) throws IOException {
        out.write(RtmpBytes.c0c1());
        out.flush();
        byte[] s0s1s2 = in.readNBytes(1 + 2 * RtmpBytes.HANDSHAKE_SIZE);
        if (s0s1s2.length < 1 + 2 * RtmpBytes.HANDSHAKE_SIZE) {
            throw new IOException("short S0/S1/S2");
        }
        out.write(s0s1s2, 1, RtmpBytes.HANDSHAKE_SIZE); // C2 = S1
    }

    private static void publish(OutputStream out, String name) throws IOException {
        out.write(RtmpBytes.connect("app", "rtmp://127.0.0.1/app"));
        out.write(RtmpBytes.createStream());
        out.write(RtmpBytes.publish(name));
    }

    /** A connect or publish command whose AMF0 ends early (the header announces the short length). */
    private static byte[] truncatedCommand(Random random) {
        byte[] full = random.nextBoolean()
                ? RtmpBytes.amf("connect", 1.0, java.util.Map.of("app", "app", "tcUrl", "rtmp://127.0.0.1/app"))
                : RtmpBytes.amf("publish", 3.0, null, "stream", "live");
        byte[] cut = Arrays.copyOf(full, random.nextInt(full.length));
        if (cut.length > 0 && random.nextInt(4) == 0) {
            cut[random.nextInt(cut.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return RtmpBytes.message(3, RtmpBytes.COMMAND_AMF0, 0, 0, cut);
    }

    /** Sequence headers and frames, some truncated or flipped, some random. */
    private static byte[] corruptMedia(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 1 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            byte[] body = switch (random.nextInt(5)) {
                case 0 -> AVC_SEQUENCE_HEADER.clone();
                case 1 -> AAC_SEQUENCE_HEADER.clone();
                case 2 -> frame(random, (byte) 0x17);
                case 3 -> frame(random, (byte) 0xAF);
                default -> randomBytes(random, random.nextInt(300));
            };
            if (body.length > 0 && random.nextInt(3) == 0) {
                body = Arrays.copyOf(body, random.nextInt(body.length));
            }
            if (body.length > 0 && random.nextInt(3) == 0) {
                body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
            }
            boolean video = body.length == 0 || (body[0] & 0xF0) != 0xA0;
            byte[] msg = RtmpBytes.message(video ? 6 : 4, video ? RtmpBytes.VIDEO : RtmpBytes.AUDIO, 1, i * 33L, body);
            out.write(msg, 0, msg.length);
        }
        return out.toByteArray();
    }

    private static byte[] frame(Random random, byte first) {
        byte[] frame = randomBytes(random, 5 + random.nextInt(2000));
        frame[0] = first;
        frame[1] = 1;
        return frame;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Asks the server JVM for a full collection (jcmd from the JDK the tests run on). */
    private static void collectGarbage() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(KILN.process().pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0)
                .as("%s %d GC.run", jcmd, KILN.process().pid()).isTrue();
    }

    private static List<String> streams() {
        JsonNode names = ok(KILN.api().get("/v1/vhosts/default/apps/app/streams"));
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }
}
