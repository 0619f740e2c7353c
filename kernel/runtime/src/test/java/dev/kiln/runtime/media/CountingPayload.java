package dev.kiln.runtime.media;

import dev.kiln.api.media.Payload;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A payload that counts references, so tests can prove every path releases. */
final class CountingPayload implements Payload {
    static final List<CountingPayload> ALL = new CopyOnWriteArrayList<>();

    private final byte[] bytes;
    private final AtomicInteger refs = new AtomicInteger(1);

    CountingPayload(int size) {
        this.bytes = new byte[size];
        ALL.add(this);
    }

    static long unreleased() {
        return ALL.stream().filter(p -> p.refCount() > 0).count();
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
        if (refs.getAndIncrement() <= 0) {
            throw new IllegalStateException("retain after free");
        }
        return this;
    }

    @Override
    public boolean release() {
        int left = refs.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("released too often");
        }
        return left == 0;
    }

    @Override
    public int refCount() {
        return refs.get();
    }
}
