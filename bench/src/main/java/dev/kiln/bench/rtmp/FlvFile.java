package dev.kiln.bench.rtmp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tags of an FLV file, read into memory once and shared by every publisher.
 *
 * @param tags       audio (8), video (9) and script data (18) tags in file order
 * @param durationMs timestamp of the last tag plus one frame: the loop length
 */
public record FlvFile(List<Tag> tags, long durationMs) {
    static final int AUDIO = 8;
    static final int VIDEO = 9;
    static final int SCRIPT = 18;

    /**
     * One tag. {@code config} is true for what a publisher sends once per connection: script
     * data and the AVC/AAC sequence headers.
     */
    public record Tag(int type, long timestampMs, byte[] body, boolean config) {}

    public static FlvFile read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        if (in.remaining() < 13 || in.get(0) != 'F' || in.get(1) != 'L' || in.get(2) != 'V') {
            throw new IOException(file + " is not an FLV file");
        }
        in.position(in.getInt(5) + 4); // header, then PreviousTagSize0
        List<Tag> tags = new ArrayList<>();
        long last = 0;
        long frame = 33;
        while (in.remaining() >= 11) {
            int type = in.get() & 0x1F;
            int size = medium(in);
            long ts = medium(in) | ((in.get() & 0xFFL) << 24);
            medium(in); // stream id
            if (in.remaining() < size + 4) {
                break; // a truncated last tag
            }
            byte[] body = new byte[size];
            in.get(body);
            in.getInt(); // PreviousTagSize
            if (type == AUDIO || type == VIDEO || type == SCRIPT) {
                tags.add(new Tag(type, ts, body, isConfig(type, body)));
                if (type == VIDEO && ts > last) {
                    frame = ts - last;
                }
                last = Math.max(last, ts);
            }
        }
        if (tags.isEmpty()) {
            throw new IOException(file + " has no tags");
        }
        return new FlvFile(List.copyOf(tags), last + frame);
    }

    /** Script data, or an AVC (legacy codec 7) / AAC sequence header. */
    private static boolean isConfig(int type, byte[] body) {
        return type == SCRIPT
                || type == VIDEO && body.length > 1 && (body[0] & 0x0F) == 7 && body[1] == 0
                || type == AUDIO && body.length > 1 && ((body[0] >> 4) & 0x0F) == 10 && body[1] == 0;
    }

    /** Bits per second of the media (tag bodies) over one loop. */
    public long bitrate() {
        long bytes = tags.stream().mapToLong(t -> t.body().length).sum();
        return bytes * 8_000 / durationMs;
    }

    private static int medium(ByteBuffer in) {
        return ((in.get() & 0xFF) << 16) | ((in.get() & 0xFF) << 8) | (in.get() & 0xFF);
    }
}
