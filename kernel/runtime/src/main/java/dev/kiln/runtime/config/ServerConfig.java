package dev.kiln.runtime.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.kiln.api.server.MpegTsInput;
import java.nio.file.Path;
import java.util.List;

/**
 * The server settings after embedded defaults, conf/server.yaml and the environment were
 * applied, in that order. Validated on construction; each error names its key.
 *
 * @param bind          bind address of the media ports (RTMP, SRT, HTTP playback)
 * @param apiBind       bind address of the API port
 * @param apiPort       REST + gRPC port
 * @param rtmpPort      RTMP ingest port
 * @param srtPort       SRT ingest port (UDP)
 * @param httpPort      LL-HLS / HTTP playback port
 * @param accessToken   token of the API's Basic authentication
 * @param dataDir       recordings, dumps and state
 * @param pluginsDir    folder watched for hot-deployed bundles
 * @param inputTimeoutSeconds an input stream that receives nothing this long is disconnected
 * @param srtPassphrase SRT callers must encrypt with this passphrase (10 to 79 characters);
 *                      empty = unencrypted SRT only
 * @param vhosts        virtual hosts declared in the configuration file (read-only via API)
 * @param mpegTsInputs  the MPEG-TS over UDP ingest's ports and streams ({@code mpegts} section)
 * @param dumpRoots     the folders HLS dumps may be written under: {@code <data>/dumps} first
 *                      (relative dump paths resolve there), then those of {@code KILN_DUMP_ROOTS};
 *                      null or empty = {@code <data>/dumps} only
 */
public record ServerConfig(
        String bind,
        String apiBind,
        int apiPort,
        int rtmpPort,
        int srtPort,
        int httpPort,
        String accessToken,
        Path dataDir,
        Path pluginsDir,
        int inputTimeoutSeconds,
        String srtPassphrase,
        List<DeclaredVirtualHost> vhosts,
        List<MpegTsInput> mpegTsInputs,
        List<Path> dumpRoots) {

    /** The token shipped in the defaults; refused when the API is exposed beyond loopback. */
    public static final String DEFAULT_ACCESS_TOKEN = "kiln-access-token";

    public ServerConfig {
        requireText("server.bind (KILN_BIND)", bind);
        requireText("server.apiBind (KILN_API_BIND)", apiBind);
        requirePort("server.ports.api (KILN_API_PORT)", apiPort);
        requirePort("server.ports.rtmp (KILN_RTMP_PORT)", rtmpPort);
        requirePort("server.ports.srt (KILN_SRT_PORT)", srtPort);
        requirePort("server.ports.http (KILN_HTTP_PORT)", httpPort);
        requireText("server.accessToken (KILN_ACCESS_TOKEN)", accessToken);
        if (dataDir == null) {
            throw new ConfigException("server.dataDir (KILN_DATA_DIR) is required");
        }
        if (pluginsDir == null) {
            throw new ConfigException("server.pluginsDir (KILN_PLUGINS_DIR) is required");
        }
        if (inputTimeoutSeconds < 1 || inputTimeoutSeconds > 3600) {
            throw new ConfigException("server.inputTimeoutSeconds (KILN_INPUT_TIMEOUT) must be between 1 and 3600, got "
                    + inputTimeoutSeconds);
        }
        srtPassphrase = srtPassphrase == null ? "" : srtPassphrase;
        if (!srtPassphrase.isEmpty() && (srtPassphrase.length() < 10 || srtPassphrase.length() > 79)) {
            throw new ConfigException("server.srtPassphrase (KILN_SRT_PASSPHRASE) must have 10 to 79 characters, it has "
                    + srtPassphrase.length());
        }
        vhosts = List.copyOf(vhosts);
        mpegTsInputs = mpegTsInputs == null ? List.of() : List.copyOf(mpegTsInputs);
        dumpRoots = dumpRoots == null || dumpRoots.isEmpty() ? List.of(dataDir.resolve("dumps")) : List.copyOf(dumpRoots);
        if (DEFAULT_ACCESS_TOKEN.equals(accessToken) && !isLoopback(apiBind)) {
            throw new ConfigException("Refusing to expose the API on " + apiBind
                    + " with the default access token: set KILN_ACCESS_TOKEN (or server.accessToken)"
                    + " to a secret of your own, or keep server.apiBind on 127.0.0.1");
        }
    }

    /** The embedded state store file. */
    public Path stateFile() {
        return dataDir.resolve("state").resolve("kiln.db");
    }

    /** The OSGi framework cache. */
    public Path frameworkStorage() {
        return dataDir.resolve("osgi-cache");
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " must not be empty");
        }
    }

    private static void requirePort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + " must be a port number between 0 and 65535, got " + port);
        }
    }

    static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
