package dev.kiln.recorder.internal.task;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.kiln.api.state.StateStore;
import dev.kiln.proto.v1.StartRecordRequest;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Tasks in the kernel's state store (kind {@code record}, key {@code vhost/app/id}): the start
 * request as protobuf JSON and the {@link Progress}, as a properties text.
 */
final class TaskStore {
    static final String KIND = "record";

    private final StateStore store;

    TaskStore(StateStore store) {
        this.store = store;
    }

    /** One stored task. */
    record Stored(String key, StartRecordRequest request, Progress progress) {}

    void save(String key, StartRecordRequest request, Progress progress) {
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
    List<Stored> loadAll(java.util.function.BiConsumer<String, Exception> bad) {
        List<Stored> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : store.list(KIND).entrySet()) {
            try {
                Properties p = new Properties();
                p.load(new StringReader(new String(e.getValue(), StandardCharsets.UTF_8)));
                StartRecordRequest.Builder r = StartRecordRequest.newBuilder();
                JsonFormat.parser().merge(p.getProperty("request", "{}"), r);
                out.add(new Stored(e.getKey(), r.build(), Progress.load(p)));
            } catch (IOException | RuntimeException ex) {
                bad.accept(e.getKey(), ex);
            }
        }
        return out;
    }
}
