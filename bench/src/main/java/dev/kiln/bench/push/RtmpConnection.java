package dev.kiln.bench.push;

import dev.kiln.bench.rtmp.Amf0;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import jdk.net.ExtendedSocketOptions;

/**
 * A blocking RTMP client connection for one stream: plain handshake, {@code connect},
 * {@code createStream}, then {@code publish} or {@code play}; after that, messages are written
 * whole (chunked at {@link #CHUNK_SIZE}) and read whole (all four chunk header types, extended
 * timestamps, the peer's Set Chunk Size, Acknowledgements sent when the peer asks for them).
 * Writing is for one thread, reading for one other thread.
 */
final class RtmpConnection implements AutoCloseable {
    /** One reassembled message; {@code timestamp} is absolute (deltas applied). */
    record Message(int type, long streamId, long timestamp, byte[] payload) {}

    static final int AUDIO = 8;
    static final int VIDEO = 9;
    static final int DATA_AMF0 = 18;
    private static final int CHUNK_SIZE = 4096;
    private static final int HANDSHAKE_SIZE = 1536;
    private static final int SET_CHUNK_SIZE = 1;
    private static final int ACKNOWLEDGEMENT = 3;
    private static final int USER_CONTROL = 4;
    private static final int WINDOW_ACK_SIZE = 5;
    private static final int COMMAND_AMF0 = 20;
    private static final int CSID_CONTROL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;

    private final Socket socket;
    private final OutputStream out;
    private final CountingInput counting;
    private final DataInputStream in;
    private final Map<Integer, Header> headers = new HashMap<>();
    private int readChunkSize = 128;
    private long ackWindow;
    private long acked;
    private long streamId;

    private static final class Header {
        long timestamp;
        long delta;
        int length;
        int type;
        long streamId;
        boolean extended;
        byte[] partial;
        int filled;
    }

    private RtmpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.counting = new CountingInput(socket, socket.getInputStream());
        this.in = new DataInputStream(new BufferedInputStream(counting, 64 * 1024));
    }

    /** Connects, shakes hands and sends {@code connect} and {@code createStream} for {@code app}. */
    static RtmpConnection open(InetSocketAddress server, String app) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(server, 5_000);
            socket.setSoTimeout(10_000);
            RtmpConnection c = new RtmpConnection(socket);
            c.handshake();
            c.write(CSID_CONTROL, SET_CHUNK_SIZE, 0, 0, ByteBuffer.allocate(4).putInt(0, CHUNK_SIZE).array());
            Map<String, Object> connect = new LinkedHashMap<>();
            connect.put("app", app);
            connect.put("type", "nonprivate");
            connect.put("flashVer", "FMLE/3.0 (compatible; KilnPushBench)");
            connect.put("tcUrl", "rtmp://" + server.getHostString() + ":" + server.getPort() + "/" + app);
            c.command(0, "connect", 1, connect);
            c.awaitResult(1);
            c.command(0, "createStream", 2, (Object) null);
            List<Object> created = c.awaitResult(2);
            if (created.size() < 4 || !(created.get(3) instanceof Double id)) {
                throw new IOException("createStream answered " + created);
            }
            c.streamId = id.longValue();
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw new IOException("RTMP connection to " + server + "/" + app + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code publish(name, "live")}; returns on {@code NetStream.Publish.Start}. */
    void publish(String name) throws IOException {
        command(0, "releaseStream", 3, null, name);
        command(0, "FCPublish", 4, null, name);
        command(streamId, "publish", 5, null, name, "live");
        awaitStatus("NetStream.Publish.Start");
        socket.setSoTimeout(0);
    }

    /** {@code play(name)} of a live stream; returns on {@code NetStream.Play.Start}. */
    void play(String name) throws IOException {
        // Set Buffer Length (user control event 3) for the stream, as players send it.
        write(CSID_CONTROL, USER_CONTROL, 0, 0, ByteBuffer.allocate(10).putShort((short) 3)
                .putInt((int) streamId).putInt(100).array());
        command(streamId, "play", 3, null, name, -1000.0); // start -1000: live only, as ffmpeg asks
        awaitStatus("NetStream.Play.Start");
        socket.setSoTimeout(0);
    }

    /** Writes one audio, video or data message of the stream. */
    void writeMedia(int type, long timestamp, byte[] body) throws IOException {
        int csid = type == VIDEO ? CSID_VIDEO : type == AUDIO ? CSID_AUDIO : CSID_DATA;
        write(csid, type, streamId, timestamp, body);
    }

    private void handshake() throws IOException {
        byte[] c0c1 = new byte[1 + HANDSHAKE_SIZE];
        c0c1[0] = 3;
        byte[] random = new byte[HANDSHAKE_SIZE - 8];
        ThreadLocalRandom.current().nextBytes(random);
        System.arraycopy(random, 0, c0c1, 9, random.length);
        out.write(c0c1);
        out.flush();
        byte[] s0s1s2 = new byte[1 + 2 * HANDSHAKE_SIZE];
        in.readFully(s0s1s2);
        out.write(s0s1s2, 1, HANDSHAKE_SIZE); // C2 = S1
        out.flush();
    }

    private void command(long msid, String name, double transaction, Object... args) throws IOException {
        Object[] values = new Object[args.length + 2];
        values[0] = name;
        values[1] = transaction;
        System.arraycopy(args, 0, values, 2, args.length);
        write(CSID_COMMAND, COMMAND_AMF0, msid, 0, Amf0.encode(values));
    }

    private List<Object> awaitResult(double transaction) throws IOException {
        while (true) {
            Message m = read();
            if (m.type() != COMMAND_AMF0) {
                continue;
            }
            List<Object> values = Amf0.decode(m.payload());
            if (values.size() >= 2 && values.get(1) instanceof Double t && t == transaction) {
                if (!"_result".equals(values.get(0))) {
                    throw new IOException("refused: " + values);
                }
                return values;
            }
        }
    }

    private void awaitStatus(String wanted) throws IOException {
        while (true) {
            Message m = read();
            if (m.type() != COMMAND_AMF0) {
                continue;
            }
            List<Object> values = Amf0.decode(m.payload());
            if ("onStatus".equals(values.get(0)) && values.size() > 3 && values.get(3) instanceof Map<?, ?> info) {
                Object code = info.get("code");
                if (wanted.equals(code)) {
                    return;
                }
                if ("error".equals(info.get("level"))) {
                    throw new IOException("refused: " + code + " " + info.get("description"));
                }
            }
        }
    }

    /** One message as a type 0 chunk and type 3 continuations, in one socket write. */
    private void write(int csid, int type, long msid, long timestamp, byte[] body) throws IOException {
        int chunks = Math.max(1, (body.length + CHUNK_SIZE - 1) / CHUNK_SIZE);
        boolean extended = timestamp >= 0xFFFFFF;
        int extra = extended ? 4 : 0;
        ByteBuffer b = ByteBuffer.allocate(12 + extra + body.length + (chunks - 1) * (1 + extra));
        long ts24 = extended ? 0xFFFFFF : timestamp;
        b.put((byte) csid)
                .put((byte) (ts24 >>> 16)).put((byte) (ts24 >>> 8)).put((byte) ts24)
                .put((byte) (body.length >>> 16)).put((byte) (body.length >>> 8)).put((byte) body.length)
                .put((byte) type)
                .putInt(Integer.reverseBytes((int) msid));
        for (int i = 0; i < chunks; i++) {
            if (i > 0) {
                b.put((byte) (0xC0 | csid));
            }
            if (extended) {
                b.putInt((int) timestamp);
            }
            int from = i * CHUNK_SIZE;
            b.put(body, from, Math.min(CHUNK_SIZE, body.length - from));
        }
        synchronized (out) {
            out.write(b.array(), 0, b.position());
            out.flush();
        }
    }

    /** The next complete message; protocol control is handled here and returned as well. */
    Message read() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int fmt = first >>> 6;
            int csid = first & 0x3F;
            if (csid == 0) {
                csid = 64 + in.readUnsignedByte();
            } else if (csid == 1) {
                csid = 64 + in.readUnsignedByte() + 256 * in.readUnsignedByte();
            }
            Header h = headers.computeIfAbsent(csid, id -> new Header());
            boolean startsMessage = h.partial == null;
            if (fmt <= 2) {
                long ts = u24();
                if (fmt <= 1) {
                    h.length = u24();
                    h.type = in.readUnsignedByte();
                    if (fmt == 0) {
                        h.streamId = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
                    }
                }
                h.extended = ts == 0xFFFFFF;
                if (h.extended) {
                    ts = in.readInt() & 0xFFFFFFFFL;
                }
                if (fmt == 0) {
                    h.timestamp = ts;
                    h.delta = 0;
                } else {
                    h.delta = ts;
                    h.timestamp += ts;
                }
            } else {
                if (h.extended) {
                    in.readInt();
                }
                if (startsMessage) {
                    h.timestamp += h.delta;
                }
            }
            if (startsMessage) {
                h.partial = new byte[h.length];
                h.filled = 0;
            }
            int n = Math.min(readChunkSize, h.length - h.filled);
            in.readFully(h.partial, h.filled, n);
            h.filled += n;
            acknowledge();
            if (h.filled == h.length) {
                Message m = new Message(h.type, h.streamId, h.timestamp, h.partial);
                h.partial = null;
                control(m);
                return m;
            }
        }
    }

    private void control(Message m) throws IOException {
        if (m.type() == SET_CHUNK_SIZE && m.payload().length >= 4) {
            readChunkSize = ByteBuffer.wrap(m.payload()).getInt() & 0x7FFFFFFF;
        } else if (m.type() == WINDOW_ACK_SIZE && m.payload().length >= 4) {
            ackWindow = ByteBuffer.wrap(m.payload()).getInt() & 0xFFFFFFFFL;
        } else if (m.type() == USER_CONTROL && m.payload().length >= 6
                && ByteBuffer.wrap(m.payload()).getShort() == 6) { // ping request: answer with a ping response
            byte[] pong = m.payload().clone();
            pong[1] = 7;
            write(CSID_CONTROL, USER_CONTROL, 0, 0, pong);
        }
    }

    private void acknowledge() throws IOException {
        long received = counting.count;
        if (ackWindow > 0 && received - acked >= ackWindow / 2) {
            acked = received;
            write(CSID_CONTROL, ACKNOWLEDGEMENT, 0, 0, ByteBuffer.allocate(4).putInt(0, (int) received).array());
        }
    }

    private int u24() throws IOException {
        return (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Counts the bytes read from the socket (for Acknowledgements); quick-acks every read. */
    private static final class CountingInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private volatile long count;

        CountingInput(Socket socket, InputStream in) {
            this.socket = socket;
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // Acknowledge at once: Linux leaves quick-ack mode by itself, and a delayed ACK holds
            // back the next small segment of a sender that runs Nagle's algorithm (nginx-rtmp does)
            // for up to 40 ms, which would show up as latency of every path.
            socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
