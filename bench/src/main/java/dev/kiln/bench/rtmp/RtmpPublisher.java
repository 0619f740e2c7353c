package dev.kiln.bench.rtmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal RTMP publisher replaying an FLV file at real-time pace, in a loop: plain handshake,
 * connect / createStream / publish (blocking, answers checked), then the FLV tags as RTMP
 * messages on a non-blocking channel, written by {@link PacedSender} when they are due.
 * The tag bodies are shared, never copied: each message is a gathering write of chunk headers
 * and slices of the body.
 */
public final class RtmpPublisher implements AutoCloseable {
    static final int CHUNK_SIZE = 4096;
    private static final int HANDSHAKE_SIZE = 1536;
    private static final int CSID_CONTROL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    private static final int COMMAND_AMF0 = 20;

    private final SocketChannel channel;
    private final FlvFile flv;
    private final String name;
    private final Deque<ByteBuffer> pending = new ArrayDeque<>();
    private final ByteBuffer discard = ByteBuffer.allocate(16 * 1024);
    private long streamId;
    private long startNanos;
    private int next;
    private long loopOffsetMs;
    private volatile long bytesSent;
    private boolean failed;
    private String failure;

    private RtmpPublisher(SocketChannel channel, FlvFile flv, String name) {
        this.channel = channel;
        this.flv = flv;
        this.name = name;
    }

    /**
     * Connects and publishes {@code rtmp://host:port/app/name}; returns once the server answered
     * {@code NetStream.Publish.Start}.
     *
     * @throws IOException when the connection fails or the server refuses the publish
     */
    public static RtmpPublisher publish(InetSocketAddress server, String app, String name, FlvFile flv) throws IOException {
        SocketChannel channel = SocketChannel.open(server);
        RtmpPublisher p = new RtmpPublisher(channel, flv, name);
        try {
            channel.socket().setTcpNoDelay(true);
            p.handshake();
            p.start(server, app);
            channel.configureBlocking(false);
            p.startNanos = System.nanoTime();
            return p;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("publish of " + app + "/" + name + " to " + server + " failed: " + e.getMessage(), e);
        }
    }

    private void handshake() throws IOException {
        ByteBuffer c0c1 = ByteBuffer.allocate(1 + HANDSHAKE_SIZE);
        c0c1.put((byte) 3).putInt(0).putInt(0);
        byte[] random = new byte[HANDSHAKE_SIZE - 8];
        ThreadLocalRandom.current().nextBytes(random);
        c0c1.put(random).flip();
        writeFully(c0c1);
        ByteBuffer s0s1s2 = ByteBuffer.allocate(1 + 2 * HANDSHAKE_SIZE);
        while (s0s1s2.hasRemaining()) {
            if (channel.read(s0s1s2) < 0) {
                throw new IOException("closed during the handshake");
            }
        }
        writeFully(s0s1s2.flip().position(1).limit(1 + HANDSHAKE_SIZE)); // C2 = S1
    }

    private void start(InetSocketAddress server, String app) throws IOException {
        writeFully(message(CSID_CONTROL, 1, 0, 0, ByteBuffer.allocate(4).putInt(0, CHUNK_SIZE)));
        Map<String, Object> connect = new LinkedHashMap<>();
        connect.put("app", app);
        connect.put("type", "nonprivate");
        connect.put("flashVer", "FMLE/3.0 (compatible; KilnBench)");
        connect.put("tcUrl", "rtmp://" + server.getHostString() + ":" + server.getPort() + "/" + app);
        command(0, "connect", 1, connect);
        command(0, "releaseStream", 2, null, name);
        command(0, "FCPublish", 3, null, name);
        command(0, "createStream", 4, (Object) null);
        ChunkReader reader = new ChunkReader(channel);
        streamId = awaitResult(reader, 4);
        command(streamId, "publish", 5, null, name, "live");
        while (true) {
            ChunkReader.Message m = reader.next();
            if (m.type() != COMMAND_AMF0) {
                continue;
            }
            List<Object> values = Amf0.decode(m.payload());
            if ("onStatus".equals(values.get(0)) && values.size() > 3 && values.get(3) instanceof Map<?, ?> info) {
                Object code = info.get("code");
                if ("NetStream.Publish.Start".equals(code)) {
                    return;
                }
                if ("error".equals(info.get("level"))) {
                    throw new IOException("refused: " + code + " " + info.get("description"));
                }
            }
        }
    }

    /** The number in the {@code _result} of transaction {@code transaction}. */
    private static long awaitResult(ChunkReader reader, double transaction) throws IOException {
        while (true) {
            ChunkReader.Message m = reader.next();
            if (m.type() != COMMAND_AMF0) {
                continue;
            }
            List<Object> values = Amf0.decode(m.payload());
            if (values.size() >= 4 && values.get(1) instanceof Double t && t == transaction) {
                if (!"_result".equals(values.get(0)) || !(values.get(3) instanceof Double id)) {
                    throw new IOException("createStream answered " + values);
                }
                return id.longValue();
            }
        }
    }

    private void command(long msid, String command, double transaction, Object... args) throws IOException {
        Object[] values = new Object[args.length + 2];
        values[0] = command;
        values[1] = transaction;
        System.arraycopy(args, 0, values, 2, args.length);
        writeFully(message(CSID_COMMAND, COMMAND_AMF0, msid, 0, ByteBuffer.wrap(Amf0.encode(values))));
    }

    private void writeFully(ByteBuffer... buffers) throws IOException {
        long left = 0;
        for (ByteBuffer b : buffers) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= channel.write(buffers);
        }
    }

    /**
     * One RTMP message as chunks: a type 0 header, then the body in slices of {@link #CHUNK_SIZE}
     * with one-byte type 3 headers between them.
     */
    private static ByteBuffer[] message(int csid, int type, long msid, long timestamp, ByteBuffer body) {
        int length = body.remaining();
        int chunks = Math.max(1, (length + CHUNK_SIZE - 1) / CHUNK_SIZE);
        ByteBuffer[] out = new ByteBuffer[2 * chunks];
        ByteBuffer header = ByteBuffer.allocate(12);
        header.put((byte) csid)
                .put((byte) (timestamp >>> 16)).put((byte) (timestamp >>> 8)).put((byte) timestamp)
                .put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length)
                .put((byte) type)
                .putInt(Integer.reverseBytes((int) msid))
                .flip();
        out[0] = header;
        for (int i = 0; i < chunks; i++) {
            if (i > 0) {
                out[2 * i] = ByteBuffer.wrap(new byte[] {(byte) (0xC0 | csid)});
            }
            int from = body.position() + i * CHUNK_SIZE;
            out[2 * i + 1] = body.duplicate().position(from).limit(Math.min(from + CHUNK_SIZE, body.limit())).slice();
        }
        return out;
    }

    /**
     * Writes every tag that is due at {@code now} (real time since the publish started), in a
     * loop over the file; stops at a full socket buffer and goes on at the next call. Returns the
     * bytes written.
     */
    long sendDue(long now) {
        if (failed) {
            return 0;
        }
        long written = 0;
        try {
            written += flush();
            List<FlvFile.Tag> tags = flv.tags();
            while (pending.isEmpty()) {
                FlvFile.Tag tag = tags.get(next);
                long ts = loopOffsetMs + tag.timestampMs();
                if (startNanos + ts * 1_000_000 > now) {
                    break;
                }
                if (loopOffsetMs == 0 || !tag.config()) {
                    pending.addAll(List.of(tagMessage(tag, ts)));
                    written += flush();
                }
                if (++next == tags.size()) {
                    next = 0;
                    loopOffsetMs += flv.durationMs();
                }
            }
        } catch (IOException e) {
            fail(e.getMessage());
        }
        bytesSent += written;
        return written;
    }

    /**
     * When this publisher next has something to write: now while a write is pending (a full
     * socket buffer), else when its next tag is due; {@code Long.MAX_VALUE} once it failed.
     */
    long nextDueNanos(long now) {
        if (failed) {
            return Long.MAX_VALUE;
        }
        if (!pending.isEmpty() || startNanos == 0) {
            return now;
        }
        return startNanos + (loopOffsetMs + flv.tags().get(next).timestampMs()) * 1_000_000;
    }

    private ByteBuffer[] tagMessage(FlvFile.Tag tag, long ts) {
        ByteBuffer body = ByteBuffer.wrap(tag.body());
        return switch (tag.type()) {
            case FlvFile.VIDEO -> message(CSID_VIDEO, FlvFile.VIDEO, streamId, ts, body);
            case FlvFile.AUDIO -> message(CSID_AUDIO, FlvFile.AUDIO, streamId, ts, body);
            default -> message(CSID_DATA, FlvFile.SCRIPT, streamId, ts, ByteBuffer.wrap(
                    concat(Amf0.encode("@setDataFrame"), tag.body())));
        };
    }

    private long flush() throws IOException {
        long written = 0;
        while (!pending.isEmpty()) {
            ByteBuffer[] buffers = pending.toArray(new ByteBuffer[0]);
            written += channel.write(buffers);
            while (!pending.isEmpty() && !pending.peek().hasRemaining()) {
                pending.poll();
            }
            if (!pending.isEmpty()) {
                break; // the socket buffer is full
            }
        }
        return written;
    }

    /** Reads and drops what the server sent (acknowledgements, pings); notes a closed connection. */
    void drainInput() {
        if (failed) {
            return;
        }
        try {
            int n;
            do {
                discard.clear();
                n = channel.read(discard);
            } while (n > 0);
            if (n < 0) {
                fail("the server closed the connection");
            }
        } catch (IOException e) {
            fail(e.getMessage());
        }
    }

    private void fail(String why) {
        failed = true;
        failure = why;
    }

    public boolean failed() {
        return failed;
    }

    public String failure() {
        return name + ": " + failure;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** The stream's media time so far in milliseconds (how far the replay has come). */
    long mediaTimeMs() {
        return loopOffsetMs + flv.tags().get(next).timestampMs();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "publisher " + name;
    }
}
