package dev.kiln.recordingtasks.internal.task;

import dev.kiln.api.state.StateStore;
import java.util.LinkedHashMap;
import java.util.Optional;

/** A state store in memory, in insertion order, as the SQLite one keeps it. */
final class MemoryStore implements StateStore {
    final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>();

    @Override
    public synchronized void put(String kind, String key, byte[] value) {
        entries.put(kind + "\u0000" + key, value);
    }

    @Override
    public synchronized Optional<byte[]> get(String kind, String key) {
        return Optional.ofNullable(entries.get(kind + "\u0000" + key));
    }

    @Override
    public synchronized boolean delete(String kind, String key) {
        return entries.remove(kind + "\u0000" + key) != null;
    }

    @Override
    public synchronized int deletePrefix(String kind, String keyPrefix) {
        int before = entries.size();
        entries.keySet().removeIf(k -> k.startsWith(kind + "\u0000" + keyPrefix));
        return before - entries.size();
    }

    @Override
    public synchronized LinkedHashMap<String, byte[]> list(String kind) {
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> {
            if (k.startsWith(kind + "\u0000")) {
                out.put(k.substring(kind.length() + 1), v);
            }
        });
        return out;
    }

    @Override
    public void close() {}
}
