package dev.kiln.ingest.rtsp.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.state.StateStore;
import dev.kiln.api.stream.PullRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PullStoreTest {

    @Test
    void aSavedPullComesBackAsItWasAndGoesWhenDeleted() {
        MemoryStore memory = new MemoryStore();
        PullStore store = new PullStore(memory);
        PullRequest cam = new PullRequest(new StreamKey("default", "app", "cam"),
                List.of(URI.create("rtsp://user:p%40ss@10.0.0.5:554/main?rtsp_transport=udp&x=1"),
                        URI.create("rtsp://10.0.0.6/main")),
                true, Duration.ofMillis(3000), Duration.ZERO, true);
        PullRequest other = new PullRequest(new StreamKey("vh", "live", "b"), List.of(URI.create("rtsps://h/x")),
                false, Duration.ZERO, Duration.ofMillis(60_000), false);
        store.save(cam);
        store.save(other);
        store.save(cam); // saved again: replaced in place

        assertThat(memory.list(PullStore.KIND).keySet()).containsExactly("default/app/cam", "vh/live/b");
        List<String> bad = new ArrayList<>();
        assertThat(new PullStore(memory).loadAll((k, e) -> bad.add(k))).containsExactly(cam, other);
        assertThat(bad).isEmpty();

        store.delete(cam.key());
        assertThat(store.loadAll((k, e) -> bad.add(k))).containsExactly(other);
    }

    @Test
    void anEntryThatCannotBeReadIsReportedAndLeftOut() {
        MemoryStore memory = new MemoryStore();
        memory.put(PullStore.KIND, "default/app/broken", "vhost=default\napp=app\n".getBytes(StandardCharsets.UTF_8));
        PullStore store = new PullStore(memory);
        PullRequest ok = new PullRequest(new StreamKey("default", "app", "ok"), List.of(URI.create("rtsp://h/x")),
                false, Duration.ZERO, Duration.ZERO, false);
        store.save(ok);
        List<String> bad = new ArrayList<>();
        assertThat(store.loadAll((k, e) -> bad.add(k))).containsExactly(ok);
        assertThat(bad).containsExactly("default/app/broken");
    }

    /** The state store's contract, in memory. */
    private static final class MemoryStore implements StateStore {
        private final Map<String, LinkedHashMap<String, byte[]>> kinds = new LinkedHashMap<>();

        @Override
        public void put(String kind, String key, byte[] value) {
            kinds.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(key, value.clone());
        }

        @Override
        public Optional<byte[]> get(String kind, String key) {
            return Optional.ofNullable(kinds.getOrDefault(kind, new LinkedHashMap<>()).get(key));
        }

        @Override
        public boolean delete(String kind, String key) {
            return kinds.getOrDefault(kind, new LinkedHashMap<>()).remove(key) != null;
        }

        @Override
        public int deletePrefix(String kind, String keyPrefix) {
            LinkedHashMap<String, byte[]> m = kinds.getOrDefault(kind, new LinkedHashMap<>());
            int before = m.size();
            m.keySet().removeIf(k -> k.startsWith(keyPrefix));
            return before - m.size();
        }

        @Override
        public LinkedHashMap<String, byte[]> list(String kind) {
            return new LinkedHashMap<>(kinds.getOrDefault(kind, new LinkedHashMap<>()));
        }

        @Override
        public void close() {
        }
    }
}
