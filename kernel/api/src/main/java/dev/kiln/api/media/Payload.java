package dev.kiln.api.media;

import java.nio.ByteBuffer;

/**
 * Reference-counted bytes of one packet. Implementations wrap pooled or direct buffers
 * without copying. Whoever receives a payload owns one reference and calls
 * {@link #release()} exactly once when done; to keep it longer or hand it on, call
 * {@link #retain()} first.
 */
public interface Payload {

    /** Number of bytes. */
    int length();

    /** A read-only view of the bytes, valid while a reference is held. */
    ByteBuffer view();

    /** Adds a reference; returns this. */
    Payload retain();

    /** Drops a reference; returns true when that freed the memory. */
    boolean release();

    /** Current reference count (0 once freed). */
    int refCount();

    /** Copies the bytes out (for tests and slow paths only). */
    default byte[] toByteArray() {
        ByteBuffer v = view();
        byte[] out = new byte[v.remaining()];
        v.get(out);
        return out;
    }
}
