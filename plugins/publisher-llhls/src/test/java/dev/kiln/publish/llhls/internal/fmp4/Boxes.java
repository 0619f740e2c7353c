package dev.kiln.publish.llhls.internal.fmp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A small ISO BMFF reader for the tests: boxes by path, e.g. {@code moov/trak/mdia/mdhd}. */
public final class Boxes {
    private static final List<String> CONTAINERS = List.of("moov", "trak", "mdia", "minf", "stbl", "dinf", "mvex",
            "moof", "traf");

    private Boxes() {}

    public record Box(String type, int offset, int size, byte[] data) {
        /** The payload after the 8-byte header. */
        public ByteBuffer payload() {
            return ByteBuffer.wrap(data, offset + 8, size - 8).slice();
        }
    }

    public static List<Box> top(byte[] data) {
        return children(data, 0, data.length);
    }

    static List<Box> children(byte[] data, int from, int to) {
        List<Box> out = new ArrayList<>();
        int at = from;
        while (at + 8 <= to) {
            int size = ByteBuffer.wrap(data, at, 4).getInt();
            String type = new String(data, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (size < 8 || at + size > to) {
                throw new IllegalStateException("bad box " + type + " size " + size + " at " + at);
            }
            out.add(new Box(type, at, size, data));
            at += size;
        }
        if (at != to) {
            throw new IllegalStateException("trailing bytes at " + at + " before " + to);
        }
        return out;
    }

    public static Optional<Box> find(byte[] data, String path) {
        List<Box> level = top(data);
        Box found = null;
        for (String name : path.split("/")) {
            found = null;
            for (Box b : level) {
                if (b.type().equals(name)) {
                    found = b;
                    break;
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            level = CONTAINERS.contains(name) ? children(data, found.offset() + 8, found.offset() + found.size())
                    : List.of();
        }
        return Optional.ofNullable(found);
    }
}
