package dev.kiln.api.server;

import java.nio.file.Path;
import java.util.List;

/**
 * The server settings plugins need, registered by the kernel as an OSGi service.
 */
public interface ServerSettings {

    /** Bind address of the media ports. */
    String mediaBindAddress();

    /** Bind address of the API port (REST and gRPC). */
    String apiBindAddress();

    /** The API port (REST and gRPC), as configured. */
    int apiPort();

    /** RTMP ingest port (0 = pick a free one). */
    int rtmpPort();

    /** SRT ingest port (UDP). */
    int srtPort();

    /**
     * The passphrase SRT callers must encrypt with (10 to 79 characters), or empty when the SRT
     * ingest takes unencrypted streams only.
     */
    default String srtPassphrase() {
        return "";
    }

    /** LL-HLS / HTTP playback port. */
    int httpPort();

    /** Seconds without data after which an input stream is considered gone. */
    int inputTimeoutSeconds();

    /** Data folder (recordings, dumps). */
    Path dataDir();

    /** The MPEG-TS over UDP ingest's ports and their streams (none unless configured). */
    default List<MpegTsInput> mpegTsInputs() {
        return List.of();
    }
}
