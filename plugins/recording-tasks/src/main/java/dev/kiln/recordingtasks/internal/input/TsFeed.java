package dev.kiln.recordingtasks.internal.input;

import dev.kiln.mpegts.TsPublisher;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;

/** An FFmpeg MPEG-TS muxer's bytes into the shared demuxer, which publishes them as an input stream. */
final class TsFeed extends OutputStream {
    private final TsPublisher publisher;

    TsFeed(TsPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ByteBuf buf = Unpooled.wrappedBuffer(b, off, len);
        try {
            publisher.feed(buf);
        } finally {
            buf.release();
        }
    }
}
