package dev.kiln.publish.llhls.internal.http;

import dev.kiln.api.stream.Viewer;
import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LL-HLS viewers, as the statistics count them: HTTP is stateless, so a viewer is a client
 * (remote address and User-Agent) fetching one stream's playlists or media; it leaves after
 * {@code idleMillis} without a request. Each viewer is a {@code llhls} connection of the stream
 * and the bytes sent to it are the stream's bytes out.
 */
public final class ViewerSessions {
    private static final Logger log = LoggerFactory.getLogger(ViewerSessions.class);
    public static final String KIND = "llhls";

    private final long idleMillis;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    private static final class Session {
        final StreamPackager stream;
        final Viewer viewer;
        volatile long lastSeen;

        Session(StreamPackager stream, Viewer viewer, long now) {
            this.stream = stream;
            this.viewer = viewer;
            this.lastSeen = now;
        }
    }

    public ViewerSessions(long idleMillis) {
        this.idleMillis = idleMillis;
    }

    /** Counts a request of a client for a stream; returns the viewer to count bytes on. */
    public Viewer touch(StreamPackager stream, String client) {
        long now = System.currentTimeMillis();
        String key = stream.key() + "|" + client;
        Session s = sessions.get(key);
        if (s == null || s.stream != stream) {
            Session fresh = new Session(stream, stream.stream().openViewer(KIND), now);
            Session old = sessions.put(key, fresh);
            if (old != null) {
                old.viewer.close();
            }
            log.debug("LL-HLS viewer {} of {} arrived", client, stream.key());
            return fresh.viewer;
        }
        s.lastSeen = now;
        return s.viewer;
    }

    /** Closes viewers idle for too long or of ended streams. */
    public void sweep() {
        long now = System.currentTimeMillis();
        for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            Session s = e.getValue();
            if (now - s.lastSeen > idleMillis || s.stream.isEnded()) {
                it.remove();
                s.viewer.close();
            }
        }
    }

    public int size() {
        return sessions.size();
    }

    public void closeAll() {
        sessions.values().forEach(s -> s.viewer.close());
        sessions.clear();
    }
}
