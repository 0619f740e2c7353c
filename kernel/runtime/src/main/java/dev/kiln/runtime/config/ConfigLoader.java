package dev.kiln.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.VirtualHost;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link ServerConfig}: embedded defaults, then conf/server.yaml (when present),
 * then KILN_* environment variables. Virtual hosts and applications in the file use the same
 * JSON shape as the REST API, with each virtual host's applications under {@code apps}.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SERVER_KEYS =
            Set.of("bind", "apiBind", "ports", "accessToken", "dataDir", "pluginsDir", "inputTimeoutSeconds",
                    "srtPassphrase");
    private static final Set<String> PORT_KEYS = Set.of("api", "rtmp", "srt", "http");

    private final Map<String, String> env;
    private final Path home;
    private final Path workDir;

    /**
     * @param env     environment variables (KILN_* are read)
     * @param home    the distribution folder; relative plugin paths resolve against it
     * @param workDir the working directory; a relative data folder resolves against it
     */
    public ConfigLoader(Map<String, String> env, Path home, Path workDir) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.workDir = workDir;
    }

    /** Loads the file when it exists; a missing file means embedded defaults only. */
    public ServerConfig load(Path file) {
        JsonNode root = YAML.createObjectNode();
        if (file != null && Files.isRegularFile(file)) {
            try {
                JsonNode read = YAML.readTree(file.toFile());
                if (read != null && !read.isMissingNode() && !read.isNull()) {
                    if (!read.isObject()) {
                        throw new ConfigException(file + ": the top level must be a mapping");
                    }
                    root = read;
                }
            } catch (IOException e) {
                throw new ConfigException(file + ": " + e.getMessage(), e);
            }
        }
        String where = file == null ? "configuration" : file.getFileName().toString();
        checkKeys(where, root, Set.of("server", "vhosts", "mpegts"), "");
        JsonNode server = root.path("server");
        checkKeys(where, server, SERVER_KEYS, "server.");
        checkKeys(where, server.path("ports"), PORT_KEYS, "server.ports.");

        String bind = pick("KILN_BIND", text(server, "bind"), "0.0.0.0");
        String apiBind = pick("KILN_API_BIND", text(server, "apiBind"), "127.0.0.1");
        JsonNode ports = server.path("ports");
        int api = port("KILN_API_PORT", ports, "api", 8081);
        int rtmp = port("KILN_RTMP_PORT", ports, "rtmp", 1935);
        int srt = port("KILN_SRT_PORT", ports, "srt", 9999);
        int http = port("KILN_HTTP_PORT", ports, "http", 3333);
        String token = pick("KILN_ACCESS_TOKEN", text(server, "accessToken"), ServerConfig.DEFAULT_ACCESS_TOKEN);
        Path data = workDir.resolve(pick("KILN_DATA_DIR", text(server, "dataDir"), "data")).normalize();
        Path plugins = home.resolve(pick("KILN_PLUGINS_DIR", text(server, "pluginsDir"), "plugins")).normalize();

        int inputTimeout = number("KILN_INPUT_TIMEOUT", server, "inputTimeoutSeconds", 10);
        String srtPassphrase = pick("KILN_SRT_PASSPHRASE", text(server, "srtPassphrase"), "");

        List<DeclaredVirtualHost> vhosts = root.has("vhosts")
                ? parseVhosts(where, root.get("vhosts"))
                : List.of(defaultVhost());
        return new ServerConfig(bind, apiBind, api, rtmp, srt, http, token, data, plugins, inputTimeout,
                srtPassphrase, vhosts,
                MpegTsConfig.parse(where, root.path("mpegts"), srt), dumpRoots(data));
    }

    /**
     * {@code <data>/dumps}, then the folders of {@code KILN_DUMP_ROOTS} (a path list, like the
     * recorder's {@code KILN_RECORD_ROOTS}; relative entries resolve against the working directory).
     */
    private List<Path> dumpRoots(Path data) {
        List<Path> roots = new ArrayList<>();
        roots.add(data.resolve("dumps"));
        String extra = env.get("KILN_DUMP_ROOTS");
        if (extra != null) {
            for (String p : extra.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    try {
                        roots.add(workDir.resolve(p.trim()).toAbsolutePath().normalize());
                    } catch (InvalidPathException e) {
                        throw new ConfigException("KILN_DUMP_ROOTS: '" + p.trim() + "' is not a valid path: "
                                + e.getMessage());
                    }
                }
            }
        }
        return roots;
    }

    /** The virtual host {@code default} with the application {@code app}, both read-only. */
    static DeclaredVirtualHost defaultVhost() {
        VirtualHost vhost = VirtualHost.newBuilder()
                .setName("default")
                .setHost(dev.kiln.proto.v1.Host.newBuilder().addNames("*"))
                .build();
        Application app = Application.newBuilder().setName("app").setType("live").build();
        return new DeclaredVirtualHost(vhost, List.of(app));
    }

    private List<DeclaredVirtualHost> parseVhosts(String where, JsonNode list) {
        if (!list.isArray()) {
            throw new ConfigException(where + ": vhosts must be a list");
        }
        List<DeclaredVirtualHost> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "vhosts[" + i + "]";
            JsonNode node = list.get(i);
            if (!node.isObject()) {
                throw new ConfigException(where + ": " + path + " must be a mapping");
            }
            ObjectNode vhostNode = ((ObjectNode) node).deepCopy();
            JsonNode appsNode = vhostNode.remove("apps");
            VirtualHost vhost = parse(where, path, vhostNode, VirtualHost.newBuilder());
            List<Application> apps = new ArrayList<>();
            if (appsNode != null && !appsNode.isNull()) {
                if (!appsNode.isArray()) {
                    throw new ConfigException(where + ": " + path + ".apps must be a list");
                }
                for (int j = 0; j < appsNode.size(); j++) {
                    apps.add(parse(where, path + ".apps[" + j + "]", appsNode.get(j), Application.newBuilder()));
                }
            }
            out.add(new DeclaredVirtualHost(vhost, apps));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T parse(String where, String path, JsonNode node, Message.Builder builder) {
        try {
            JsonFormat.parser().merge(node.toString(), builder);
            return (T) builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw new ConfigException(where + ": " + path + ": " + e.getMessage(), e);
        }
    }

    private static void checkKeys(String where, JsonNode node, Set<String> allowed, String prefix) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new ConfigException(where + ": " + (prefix.isEmpty() ? "top level" : prefix) + " must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigException(where + ": unknown key " + prefix + key + " (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private String pick(String envKey, String fromFile, String fallback) {
        String fromEnv = env.get(envKey);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        return fromFile != null ? fromFile : fallback;
    }

    private int port(String envKey, JsonNode ports, String key, int fallback) {
        return integer(envKey, ports, key, "server.ports." + key, "a port number", fallback);
    }

    private int number(String envKey, JsonNode node, String key, int fallback) {
        return integer(envKey, node, key, "server." + key, "a whole number", fallback);
    }

    private int integer(String envKey, JsonNode node, String key, String path, String what, int fallback) {
        String fromEnv = env.get(envKey);
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return Integer.parseInt(fromEnv.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(envKey + " must be " + what + ", got '" + fromEnv + "'");
            }
        }
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ConfigException(path + " must be " + what + ", got '" + v.asText() + "'");
        }
        return v.intValue();
    }
}
