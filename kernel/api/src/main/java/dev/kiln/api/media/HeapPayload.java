package dev.kiln.codec.internal.av;

import dev.kiln.api.media.Payload;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/** Encoder output copied out of native memory into a reference-counted heap buffer. */
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
