package dev.kiln.bench.rtmp;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the server's RTMP messages from a blocking channel during the publish set-up: the four
 * chunk header types, extended timestamps and Set Chunk Size. Just enough to see the answers to
 * connect, createStream and publish.
 */
final class ChunkReader {
    /** One reassembled message. */
    record Message(int type, long streamId, byte[] payload) {}

    private static final int SET_CHUNK_SIZE = 1;

    private final SocketChannel channel;
    private final Map<Integer, Header> headers = new HashMap<>();
    private int chunkSize = 128;

    private static final class Header {
        long timestamp;
        int length;
        int type;
        long streamId;
        byte[] partial;
        int filled;
        boolean extended;
    }

    ChunkReader(SocketChannel channel) {
        this.channel = channel;
    }

    /** The next complete message (protocol control messages included). */
    Message next() throws IOException {
        while (true) {
            int first = u8();
            int fmt = first >>> 6;
            int csid = first & 0x3F;
            if (csid == 0) {
                csid = 64 + u8();
            } else if (csid == 1) {
                csid = 64 + u8() + 256 * u8();
            }
            Header h = headers.computeIfAbsent(csid, id -> new Header());
            if (fmt <= 2) {
                long ts = u24();
                if (fmt <= 1) {
                    h.length = u24();
                    h.type = u8();
                    if (fmt == 0) {
                        ByteBuffer le = read(4);
                        h.streamId = Integer.toUnsignedLong(Integer.reverseBytes(le.getInt()));
                    }
                }
                h.extended = ts == 0xFFFFFF;
                if (h.extended) {
                    ts = read(4).getInt() & 0xFFFFFFFFL;
                }
                h.timestamp = ts;
            } else if (h.extended) {
                read(4);
            }
            if (h.partial == null) {
                h.partial = new byte[h.length];
                h.filled = 0;
            }
            int n = Math.min(chunkSize, h.length - h.filled);
            read(n).get(h.partial, h.filled, n);
            h.filled += n;
            if (h.filled == h.length) {
                Message m = new Message(h.type, h.streamId, h.partial);
                h.partial = null;
                if (m.type() == SET_CHUNK_SIZE && m.payload().length >= 4) {
                    chunkSize = ByteBuffer.wrap(m.payload()).getInt() & 0x7FFFFFFF;
                }
                return m;
            }
        }
    }

    private int u8() throws IOException {
        return read(1).get() & 0xFF;
    }

    private int u24() throws IOException {
        ByteBuffer b = read(3);
        return ((b.get() & 0xFF) << 16) | ((b.get() & 0xFF) << 8) | (b.get() & 0xFF);
    }

    private ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the server closed the connection");
            }
        }
        return b.flip();
    }
}
