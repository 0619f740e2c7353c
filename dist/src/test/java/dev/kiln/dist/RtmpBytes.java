package dev.kiln.dist;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Builds RTMP client bytes by hand for hostile-input tests: C0/C1, chunked messages with type 0
 * and type 3 headers, AMF0 values and the publish commands. Deliberately small: it makes valid
 * bytes that a test then truncates or corrupts.
 */
final class RtmpBytes {
    static final int HANDSHAKE_SIZE = 1536;
    static final int DEFAULT_CHUNK_SIZE = 128;
    static final int SET_CHUNK_SIZE = 1;
    static final int ABORT = 2;
    static final int AUDIO = 8;
    static final int VIDEO = 9;
    static final int DATA_AMF0 = 18;
    static final int COMMAND_AMF0 = 20;

    private RtmpBytes() {
    }

    /** C0 (version 3) and a C1 of zeros: a plain handshake. */
    static byte[] c0c1() {
        byte[] bytes = new byte[1 + HANDSHAKE_SIZE];
        bytes[0] = 3;
        return bytes;
    }

    /**
     * One message as chunks: a type 0 header on chunk stream {@code csid} (2..63), then type 3
     * continuation headers every {@code chunkSize} bytes. {@code declaredLength} is what the header
     * claims (pass {@code payload.length} for an honest message).
     */
    static byte[] message(int csid, int type, int streamId, long timestamp, byte[] payload, int declaredLength,
                          int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(csid & 0x3F);
        boolean extended = timestamp >= 0xFFFFFF;
        int24(out, extended ? 0xFFFFFF : (int) timestamp);
        int24(out, declaredLength);
        out.write(type);
        out.write(streamId & 0xFF); // message stream id: little endian
        out.write((streamId >>> 8) & 0xFF);
        out.write((streamId >>> 16) & 0xFF);
        out.write((streamId >>> 24) & 0xFF);
        if (extended) {
            int32(out, timestamp);
        }
        for (int pos = 0; pos < payload.length; pos += chunkSize) {
            if (pos > 0) {
                out.write(0xC0 | (csid & 0x3F));
                if (extended) {
                    int32(out, timestamp);
                }
            }
            out.write(payload, pos, Math.min(chunkSize, payload.length - pos));
        }
        return out.toByteArray();
    }

    static byte[] message(int csid, int type, int streamId, long timestamp, byte[] payload) {
        return message(csid, type, streamId, timestamp, payload, payload.length, DEFAULT_CHUNK_SIZE);
    }

    static byte[] setChunkSize(long size) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int32(p, size);
        return message(2, SET_CHUNK_SIZE, 0, 0, p.toByteArray());
    }

    static byte[] connect(String app, String tcUrl) {
        return command(0, "connect", 1, Map.of("app", app, "tcUrl", tcUrl, "type", "nonprivate"));
    }

    static byte[] createStream() {
        return command(0, "createStream", 2, (Object) null);
    }

    static byte[] publish(String name) {
        return command(1, "publish", 3, null, name, "live");
    }

    /** An AMF0 command message on chunk stream 3. */
    static byte[] command(int streamId, String name, double transaction, Object... args) {
        return message(3, COMMAND_AMF0, streamId, 0, amf(name, transaction, args));
    }

    /** AMF0: String, Double, null, Boolean and Map (as an object) values, in order. */
    static byte[] amf(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object v : values) {
            amfValue(out, v);
        }
        return out.toByteArray();
    }

    private static void amfValue(ByteArrayOutputStream out, Object v) {
        if (v == null) {
            out.write(5);
        } else if (v instanceof Number n) {
            out.write(0);
            long bits = Double.doubleToLongBits(n.doubleValue());
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (8 * i)));
            }
        } else if (v instanceof Boolean b) {
            out.write(1);
            out.write(b ? 1 : 0);
        } else if (v instanceof String s) {
            out.write(2);
            utf(out, s);
        } else if (v instanceof Object[] array) {
            for (Object item : array) {
                amfValue(out, item);
            }
        } else if (v instanceof Map<?, ?> map) {
            out.write(3);
            map.forEach((k, value) -> {
                utf(out, k.toString());
                amfValue(out, value);
            });
            out.write(0);
            out.write(0);
            out.write(9);
        } else {
            throw new IllegalArgumentException("no AMF0 for " + v);
        }
    }

    private static void utf(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void int24(ByteArrayOutputStream out, int v) {
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void int32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }
}
