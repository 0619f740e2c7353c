package dev.kiln.publish.llhls.internal.http;

import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import java.util.List;

/** The {@code GET /streams} answer: the output streams that can be played now. */
final class StreamList {
    private StreamList() {}

    static String json(List<StreamPackager> all) {
        StringBuilder b = new StringBuilder("{\"streams\":[");
        boolean first = true;
        for (StreamPackager s : all) {
            if (!s.isReady()) {
                continue;
            }
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append("{\"vhost\":").append(quote(s.key().vhost()))
                    .append(",\"app\":").append(quote(s.key().app()))
                    .append(",\"stream\":").append(quote(s.key().name()))
                    .append(",\"playlist\":").append(quote("/" + s.key().app() + "/" + s.key().name() + "/llhls.m3u8"))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
