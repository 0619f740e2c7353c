package dev.kiln.push.internal.task;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.kiln.api.state.StateStore;
import dev.kiln.proto.v1.StartPushRequest;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Push tasks in the kernel's state store (kind {@code push}, key {@code vhost/app/id}): the
 * start request as protobuf JSON and the {@link Progress}, as a properties text.
 */
final class PushStore {
    static final String KIND = "push";

    private final StateStore store;

    PushStore(StateStore store) {
        this.store = store;
    }

    /** One stored task. */
    record Stored(String key, StartPushRequest request, Progress progress) {}

    void save(String key, StartPushRequest request, Progress progress) {
        Properties p = new Properties();
        try {
            p.setProperty("request", JsonFormat.printer().omittingInsignificantWhitespace().print(request));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        progress.store(p);
        StringWriter text = new StringWriter();
        try {
            p.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(KIND, key, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    void delete(String key) {
        store.delete(KIND, key);
    }

    /** Every stored task, oldest first; entries that cannot be read are reported to {@code bad}. */
    List<Stored> loadAll(BiConsumer<String, Exception> bad) {
        List<Stored> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : store.list(KIND).entrySet()) {
            try {
                Properties p = new Properties();
                p.load(new StringReader(new String(e.getValue(), StandardCharsets.UTF_8)));
                StartPushRequest.Builder r = StartPushRequest.newBuilder();
                JsonFormat.parser().ignoringUnknownFields().merge(p.getProperty("request", "{}"), r);
                out.add(new Stored(e.getKey(), r.build(), Progress.load(p)));
            } catch (IOException | RuntimeException ex) {
                bad.accept(e.getKey(), ex);
            }
        }
        return out;
    }
}
