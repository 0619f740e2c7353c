package dev.kiln.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.server.MpegTsInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code mpegts} section of conf/server.yaml: OME's MPEG-TS provider stream map, one UDP
 * port per stream.
 *
 * <pre>
 * mpegts:
 *   vhost: default          # optional, default "default"
 *   app: app                # optional, default "app"
 *   streams:
 *     - name: stream_${Port}   # ${Port} becomes each port number
 *       ports: 4000-4003,4005  # single ports and ranges; a trailing "/udp" is accepted
 * </pre>
 */
final class MpegTsConfig {
    /** More ports than this in one configuration is refused (each is a socket and a stream). */
    static final int MAX_PORTS = 1024;
    private static final Set<String> KEYS = Set.of("vhost", "app", "streams");
    private static final Set<String> STREAM_KEYS = Set.of("name", "ports");

    private MpegTsConfig() {}

    /** The inputs of the section ({@code node} missing = none); {@code srtPort} may not be reused. */
    static List<MpegTsInput> parse(String where, JsonNode node, int srtPort) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(where + ": mpegts must be a mapping");
        }
        checkKeys(where, node, KEYS, "mpegts.");
        String vhost = text(where, node, "vhost", "mpegts.vhost", "default");
        String app = text(where, node, "app", "mpegts.app", "app");
        JsonNode streams = node.path("streams");
        if (streams.isMissingNode() || streams.isNull()) {
            return List.of();
        }
        if (!streams.isArray()) {
            throw new ConfigException(where + ": mpegts.streams must be a list");
        }
        List<MpegTsInput> out = new ArrayList<>();
        Map<Integer, String> used = new HashMap<>();
        for (int i = 0; i < streams.size(); i++) {
            String path = "mpegts.streams[" + i + "]";
            JsonNode stream = streams.get(i);
            if (!stream.isObject()) {
                throw new ConfigException(where + ": " + path + " must be a mapping with name and ports");
            }
            checkKeys(where, stream, STREAM_KEYS, path + ".");
            String template = text(where, stream, "name", path + ".name", null);
            if (template == null || template.isBlank()) {
                throw new ConfigException(where + ": " + path + ".name is required (e.g. stream_${Port})");
            }
            JsonNode portsNode = stream.get("ports");
            if (portsNode == null || portsNode.isNull() || portsNode.asText().isBlank()) {
                throw new ConfigException(where + ": " + path + ".ports is required (e.g. 4000-4003,4005)");
            }
            for (int port : ports(where, path + ".ports", portsNode.asText())) {
                String name = template.replace("${Port}", Integer.toString(port));
                if (name.contains("/") || name.contains("${")) {
                    throw new ConfigException(where + ": " + path + ".name gives '" + name
                            + "': a stream name has no '/' and only ${Port} is replaced");
                }
                if (port == srtPort) {
                    throw new ConfigException(where + ": " + path + ".ports: UDP port " + port
                            + " is the SRT port (server.ports.srt)");
                }
                String other = used.putIfAbsent(port, path);
                if (other != null) {
                    throw new ConfigException(where + ": " + path + ".ports: UDP port " + port
                            + " is already used by " + other);
                }
                if (used.size() > MAX_PORTS) {
                    throw new ConfigException(where + ": mpegts.streams: more than " + MAX_PORTS + " ports");
                }
                out.add(new MpegTsInput(port, new StreamKey(vhost, app, name)));
            }
        }
        return List.copyOf(out);
    }

    /** "4000-4003,4005/udp" → 4000, 4001, 4002, 4003, 4005. */
    static List<Integer> ports(String where, String path, String spec) {
        String s = spec.trim();
        if (s.toLowerCase(java.util.Locale.ROOT).endsWith("/udp")) {
            s = s.substring(0, s.length() - 4);
        }
        List<Integer> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int from = port(where, path, spec, dash < 0 ? p : p.substring(0, dash));
            int to = dash < 0 ? from : port(where, path, spec, p.substring(dash + 1));
            if (to < from) {
                throw new ConfigException(where + ": " + path + ": '" + p + "' is a backwards range");
            }
            if (to - from >= MAX_PORTS) {
                throw new ConfigException(where + ": " + path + ": '" + p + "' has more than " + MAX_PORTS + " ports");
            }
            for (int port = from; port <= to; port++) {
                out.add(port);
            }
        }
        return out;
    }

    private static int port(String where, String path, String spec, String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where + ": " + path + ": '" + spec
                + "' is not a list of UDP ports and ranges between 1 and 65535 (e.g. 4000-4003,4005)");
    }

    private static String text(String where, JsonNode node, String key, String path, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw new ConfigException(where + ": " + path + " must be a non-empty string");
        }
        return v.asText();
    }

    private static void checkKeys(String where, JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigException(where + ": unknown key " + prefix + key + " (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
