package dev.kiln.bench.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The AMF0 subset an RTMP publisher needs: numbers, booleans, strings, null, objects. */
public final class Amf0 {
    private Amf0() {
    }

    public static byte[] encode(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object v : values) {
            write(out, v);
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v == null) {
            out.write(5);
        } else if (v instanceof Number n) {
            out.write(0);
            out.writeBytes(ByteBuffer.allocate(8).putDouble(n.doubleValue()).array());
        } else if (v instanceof Boolean b) {
            out.write(1);
            out.write(b ? 1 : 0);
        } else if (v instanceof String s) {
            out.write(2);
            utf(out, s);
        } else if (v instanceof Map<?, ?> map) {
            out.write(3);
            map.forEach((k, value) -> {
                utf(out, k.toString());
                write(out, value);
            });
            out.writeBytes(new byte[] {0, 0, 9});
        } else {
            throw new IllegalArgumentException("no AMF0 encoding for " + v.getClass());
        }
    }

    private static void utf(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    /** Decodes values until the end; objects and ECMA arrays become maps. */
    public static List<Object> decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Object> values = new ArrayList<>();
        while (in.hasRemaining()) {
            values.add(read(in));
        }
        return values;
    }

    private static Object read(ByteBuffer in) {
        int marker = in.get() & 0xFF;
        switch (marker) {
            case 0:
                return in.getDouble();
            case 1:
                return in.get() != 0;
            case 2:
                return utf(in);
            case 3:
                return properties(in);
            case 5:
            case 6:
                return null;
            case 8:
                in.getInt(); // ECMA array count hint
                return properties(in);
            default:
                throw new IllegalArgumentException("AMF0 type " + marker + " not supported");
        }
    }

    private static Map<String, Object> properties(ByteBuffer in) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            String key = utf(in);
            if (key.isEmpty() && in.get(in.position()) == 9) {
                in.get();
                return map;
            }
            map.put(key, read(in));
        }
    }

    private static String utf(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xFFFF];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
