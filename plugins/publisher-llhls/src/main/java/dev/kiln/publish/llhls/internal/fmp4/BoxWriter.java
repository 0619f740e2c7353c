package dev.kiln.publish.llhls.internal.fmp4;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes ISO BMFF boxes into a growing byte array: {@link #start} a box, write its fields,
 * {@link #end} it (the size is patched in). Boxes nest.
 */
final class BoxWriter {
    private byte[] buf;
    private int len;
    private final int[] open = new int[16];
    private int depth;

    BoxWriter(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    BoxWriter start(String type) {
        open[depth++] = len;
        u32(0);
        fourcc(type);
        return this;
    }

    /** A full box: type, version and 24-bit flags. */
    BoxWriter startFull(String type, int version, int flags) {
        start(type);
        u8(version);
        u24(flags);
        return this;
    }

    BoxWriter end() {
        int at = open[--depth];
        int size = len - at;
        buf[at] = (byte) (size >>> 24);
        buf[at + 1] = (byte) (size >>> 16);
        buf[at + 2] = (byte) (size >>> 8);
        buf[at + 3] = (byte) size;
        return this;
    }

    BoxWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    BoxWriter u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    BoxWriter u24(int v) {
        ensure(3);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    BoxWriter u32(long v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    BoxWriter u64(long v) {
        u32(v >>> 32);
        return u32(v & 0xFFFFFFFFL);
    }

    BoxWriter zeros(int n) {
        ensure(n);
        len += n; // the array is zero-filled
        return this;
    }

    BoxWriter fourcc(String type) {
        byte[] b = type.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != 4) {
            throw new IllegalArgumentException("box type must have 4 characters: " + type);
        }
        return bytes(b);
    }

    /** A NUL-terminated UTF-8 string. */
    BoxWriter cstring(String s) {
        bytes(s.getBytes(StandardCharsets.UTF_8));
        return u8(0);
    }

    BoxWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    BoxWriter bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    BoxWriter bytes(java.nio.ByteBuffer b) {
        int n = b.remaining();
        ensure(n);
        b.get(buf, len, n);
        len += n;
        return this;
    }

    /** Overwrites a 32-bit value at an absolute position. */
    void patch32(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    int position() {
        return len;
    }

    byte[] toByteArray() {
        if (depth != 0) {
            throw new IllegalStateException(depth + " boxes are still open");
        }
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
