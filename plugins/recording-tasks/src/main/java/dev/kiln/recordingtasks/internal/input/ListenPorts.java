package dev.kiln.recordingtasks.internal.input;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.server.MpegTsInput;
import dev.kiln.api.server.ServerSettings;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Who holds a port a listen input asks for: Kiln's own listeners (API, RTMP, SRT, HTTP, the
 * MPEG-TS ingest's UDP ports), or, found by trying to bind it, another program.
 */
public final class ListenPorts {
    private final ServerSettings settings;

    /** {@code settings} null: only the bind probe (tests). */
    public ListenPorts(ServerSettings settings) {
        this.settings = settings;
    }

    /** The media bind address listen inputs use. */
    public String bind() {
        return settings == null ? "0.0.0.0" : settings.mediaBindAddress();
    }

    /** Kiln's own listener on that port and transport, or null. */
    public String kilnOwner(Listen l) {
        if (settings == null) {
            return null;
        }
        if (!l.udp()) {
            if (l.port() == settings.apiPort()) {
                return "Kiln's API";
            }
            if (l.port() == settings.rtmpPort()) {
                return "Kiln's RTMP ingest";
            }
            if (l.port() == settings.httpPort()) {
                return "Kiln's HTTP playback";
            }
            return null;
        }
        if (l.port() == settings.srtPort()) {
            return "Kiln's SRT ingest";
        }
        for (MpegTsInput in : settings.mpegTsInputs()) {
            if (in.port() == l.port()) {
                return "Kiln's MPEG-TS ingest of " + in.key();
            }
        }
        return null;
    }

    /**
     * Fails with a 409 naming the port when it cannot be bound now.
     *
     * @throws ConflictException naming the port, its transport and its holder
     */
    public void probe(Listen l) {
        String owner = kilnOwner(l);
        if (owner != null) {
            throw inUse(l, owner);
        }
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind()), l.port());
            if (l.udp()) {
                try (DatagramSocket s = new DatagramSocket(address)) {
                    s.getLocalPort();
                }
            } else {
                try (ServerSocket s = new ServerSocket()) {
                    s.setReuseAddress(true);
                    s.bind(address);
                }
            }
        } catch (IOException e) {
            throw inUse(l, "another program (" + e.getMessage() + ")");
        }
    }

    /** The 409 for a port {@code owner} holds. */
    public static ConflictException inUse(Listen l, String owner) {
        return new ConflictException("[input.input_stream_listen_port] port " + l.port() + " (" + l.transport()
                + ") is in use by " + owner);
    }

    /** The 409 for a port another recording task listens on. */
    public static ConflictException usedByTask(Listen l, String id, String name) {
        return inUse(l, "recording task " + id + " (\"" + name + "\")");
    }
}
