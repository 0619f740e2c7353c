package dev.kiln.push.internal.task;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads options from a URL's query string ({@code a=1&b=2}). */
final class SrtOptions {
    private SrtOptions() {
    }

    /** The decoded value of {@code name}, or null when the query lacks it. */
    static String value(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (URLDecoder.decode(k, StandardCharsets.UTF_8).equalsIgnoreCase(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
