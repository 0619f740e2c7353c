package dev.kiln.publish.llhls.internal.fmp4;

import dev.kiln.api.publish.Id3Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** An ID3v2.4 tag of text frames (UTF-8): TXXX with description and value, or T??? with text. */
public final class Id3Tag {
    private Id3Tag() {}

    public static byte[] of(List<Id3Frame> frames) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Id3Frame f : frames) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.write(3); // UTF-8
            if (f.frameType().equals("TXXX")) {
                content.writeBytes(f.info().getBytes(StandardCharsets.UTF_8));
                content.write(0);
            }
            content.writeBytes(f.data().getBytes(StandardCharsets.UTF_8));
            byte[] c = content.toByteArray();
            body.writeBytes(f.frameType().getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(syncsafe(c.length));
            body.write(0);
            body.write(0);
            body.writeBytes(c);
        }
        byte[] b = body.toByteArray();
        ByteArrayOutputStream tag = new ByteArrayOutputStream(10 + b.length);
        tag.writeBytes(new byte[] {'I', 'D', '3', 4, 0, 0});
        tag.writeBytes(syncsafe(b.length));
        tag.writeBytes(b);
        return tag.toByteArray();
    }

    static byte[] syncsafe(int n) {
        if (n >= 1 << 28) {
            throw new IllegalArgumentException("ID3 size too large: " + n);
        }
        return new byte[] {(byte) ((n >>> 21) & 0x7F), (byte) ((n >>> 14) & 0x7F), (byte) ((n >>> 7) & 0x7F),
            (byte) (n & 0x7F)};
    }
}
