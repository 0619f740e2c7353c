package dev.kiln.ingest.rtsp.internal.pull;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.PullRequest;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Pulls in the kernel's state store (kind {@value #KIND}, key {@code vhost/app/name}): the request
 * as a properties text (vhost, app, name, {@code url.0}, {@code url.1}, …, the properties).
 */
final class PullStore {
    static final String KIND = "rtsp-pull";

    private final StateStore store;

    PullStore(StateStore store) {
        this.store = store;
    }

    static String key(StreamKey k) {
        return k.vhost() + "/" + k.app() + "/" + k.name();
    }

    /** Inserts or replaces the pull; durable when this returns. */
    void save(PullRequest request) {
        Properties p = new Properties();
        p.setProperty("vhost", request.key().vhost());
        p.setProperty("app", request.key().app());
        p.setProperty("name", request.key().name());
        for (int i = 0; i < request.urls().size(); i++) {
            p.setProperty("url." + i, request.urls().get(i).toString());
        }
        p.setProperty("persistent", Boolean.toString(request.persistent()));
        p.setProperty("noInputFailoverTimeoutMs", Long.toString(request.noInputFailoverTimeout().toMillis()));
        p.setProperty("unusedStreamDeletionTimeoutMs",
                Long.toString(request.unusedStreamDeletionTimeout().toMillis()));
        p.setProperty("ignoreRtcpSrTimestamp", Boolean.toString(request.ignoreRtcpSrTimestamp()));
        StringWriter text = new StringWriter();
        try {
            p.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(KIND, key(request.key()), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    void delete(StreamKey key) {
        store.delete(KIND, key(key));
    }

    /** Every stored pull, oldest first; entries that cannot be read are reported to {@code bad}. */
    List<PullRequest> loadAll(BiConsumer<String, Exception> bad) {
        List<PullRequest> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : store.list(KIND).entrySet()) {
            try {
                out.add(parse(e.getValue()));
            } catch (IOException | RuntimeException ex) {
                bad.accept(e.getKey(), ex);
            }
        }
        return out;
    }

    private static PullRequest parse(byte[] value) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(value, StandardCharsets.UTF_8)));
        List<URI> urls = new ArrayList<>();
        for (int i = 0; p.getProperty("url." + i) != null; i++) {
            urls.add(URI.create(p.getProperty("url." + i)));
        }
        return new PullRequest(new StreamKey(p.getProperty("vhost"), p.getProperty("app"), p.getProperty("name")),
                urls, Boolean.parseBoolean(p.getProperty("persistent")),
                Duration.ofMillis(Long.parseLong(p.getProperty("noInputFailoverTimeoutMs", "0"))),
                Duration.ofMillis(Long.parseLong(p.getProperty("unusedStreamDeletionTimeoutMs", "0"))),
                Boolean.parseBoolean(p.getProperty("ignoreRtcpSrTimestamp")));
    }
}
