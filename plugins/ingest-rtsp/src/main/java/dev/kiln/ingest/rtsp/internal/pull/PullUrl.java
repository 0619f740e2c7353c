package dev.kiln.ingest.rtsp.internal.pull;

import dev.kiln.api.error.InvalidArgumentException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One URL of a pull as FFmpeg gets it. Kiln reads one query parameter of its own,
 * {@code rtsp_transport} ({@code tcp}, the default, {@code udp}, {@code udp_multicast},
 * {@code http} or {@code https}), and removes it from the URL sent to the server.
 *
 * @param ffmpegUrl the URL for FFmpeg (credentials kept, Kiln's parameter removed)
 * @param transport FFmpeg's {@code rtsp_transport}
 * @param display   the URL without credentials or query, for logs and messages
 */
record PullUrl(String ffmpegUrl, String transport, String display) {
    static final String TRANSPORT_PARAM = "rtsp_transport";
    static final Set<String> TRANSPORTS = Set.of("tcp", "udp", "udp_multicast", "http", "https");

    /**
     * Reads the index-th URL of a request.
     *
     * @throws InvalidArgumentException naming the URL and what is wrong with it
     */
    static PullUrl parse(int index, URI url) {
        String transport = "tcp";
        List<String> kept = new ArrayList<>();
        String query = url.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.equals(TRANSPORT_PARAM) || pair.startsWith(TRANSPORT_PARAM + "=")) {
                    String value = pair.substring(Math.min(pair.length(), TRANSPORT_PARAM.length() + 1))
                            .toLowerCase(Locale.ROOT);
                    if (!TRANSPORTS.contains(value)) {
                        throw new InvalidArgumentException("[urls[" + index + "]]: " + TRANSPORT_PARAM
                                + " must be one of tcp, udp, udp_multicast, http, https; got [" + value + "]");
                    }
                    transport = value;
                } else if (!pair.isEmpty()) {
                    kept.add(pair);
                }
            }
        }
        String text = url.toString();
        int q = text.indexOf('?');
        String base = q < 0 ? text : text.substring(0, q);
        int hash = base.indexOf('#');
        base = hash < 0 ? base : base.substring(0, hash);
        String ffmpegUrl = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
        return new PullUrl(ffmpegUrl, transport, display(url));
    }

    /** scheme://host:port/path, without user info and query. */
    static String display(URI url) {
        StringBuilder b = new StringBuilder().append(url.getScheme()).append("://").append(url.getHost());
        if (url.getPort() >= 0) {
            b.append(':').append(url.getPort());
        }
        if (url.getRawPath() != null) {
            b.append(url.getRawPath());
        }
        return b.toString();
    }
}
