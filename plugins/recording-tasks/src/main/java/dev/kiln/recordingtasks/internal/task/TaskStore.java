package dev.kiln.recordingtasks.internal.task;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.kiln.api.state.StateStore;
import dev.kiln.proto.v1.RecordingTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Tasks in the kernel's state store: kind {@code recording-task}, key the id, value the task's protobuf JSON. */
final class TaskStore {
    static final String KIND = "recording-task";

    private final StateStore store;

    TaskStore(StateStore store) {
        this.store = store;
    }

    void save(RecordingTask task) {
        try {
            String json = JsonFormat.printer().omittingInsignificantWhitespace().print(task);
            store.put(KIND, task.getId(), json.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    void delete(String id) {
        store.delete(KIND, id);
    }

    /** Every stored task, oldest first; entries that cannot be read go to {@code bad}. */
    List<RecordingTask> loadAll(BiConsumer<String, Exception> bad) {
        List<RecordingTask> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : store.list(KIND).entrySet()) {
            try {
                RecordingTask.Builder b = RecordingTask.newBuilder();
                JsonFormat.parser().ignoringUnknownFields().merge(new String(e.getValue(), StandardCharsets.UTF_8), b);
                out.add(b.build());
            } catch (InvalidProtocolBufferException | RuntimeException ex) {
                bad.accept(e.getKey(), ex);
            }
        }
        return out;
    }
}
