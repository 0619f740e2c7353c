package dev.kiln.publish.llhls.internal.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * CORS headers of the playback port: any origin when the application's {@code crossDomains}
 * holds {@code *}, else the request's origin when it is listed (with or without scheme).
 */
final class Cors {
    private Cors() {}

    static void apply(HttpHeaders response, String origin, List<String> crossDomains) {
        String allowed = null;
        if (crossDomains.contains("*")) {
            allowed = "*";
        } else if (origin != null) {
            String bare = origin.replaceFirst("^https?://", "");
            for (String d : crossDomains) {
                String db = d.replaceFirst("^https?://", "");
                if (db.equals(bare) || (db.startsWith("*.") && bare.endsWith(db.substring(1)))) {
                    allowed = origin;
                    break;
                }
            }
        }
        if (allowed == null) {
            return;
        }
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        if (!"*".equals(allowed)) {
            response.set(HttpHeaderNames.VARY, "Origin");
            response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS");
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "*");
        response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "*");
    }
}
