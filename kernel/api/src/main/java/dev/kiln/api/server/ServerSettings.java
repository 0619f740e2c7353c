package dev.kiln.api.server;

import java.nio.file.Path;

/**
 * The server settings plugins need, registered by the kernel as an OSGi service.
 */
public interface ServerSettings {

    /** Bind address of the media ports. */
    String mediaBindAddress();

    /** RTMP ingest port (0 = pick a free one). */
    int rtmpPort();

    /** SRT ingest port (UDP). */
    int srtPort();

    /** LL-HLS / HTTP playback port. */
    int httpPort();

    /** Seconds without data after which an input stream is considered gone. */
    int inputTimeoutSeconds();

    /** Data folder (recordings, dumps). */
    Path dataDir();
}
