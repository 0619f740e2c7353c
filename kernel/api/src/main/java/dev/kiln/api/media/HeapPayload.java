package dev.kiln.api.media;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A payload held in a byte array of its own, reference counted like every payload: for media
 * copied out of native memory (an FFmpeg packet or encoder output) and for tests. The array is
 * the caller's to give away: it is not copied, and must not change afterwards.
 */
public final class HeapPayload implements Payload {
    private final byte[] bytes;
    private final AtomicInteger refs = new AtomicInteger(1);

    public HeapPayload(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int length() {
        return bytes.length;
    }

    @Override
    public ByteBuffer view() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    @Override
    public Payload retain() {
        refs.incrementAndGet();
        return this;
    }

    @Override
    public boolean release() {
        int left = refs.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("payload released more often than retained");
        }
        return left == 0;
    }

    @Override
    public int refCount() {
        return Math.max(refs.get(), 0);
    }
}
