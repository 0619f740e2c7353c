package dev.kiln.api.state;

import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Durable key-value store for what the API creates (virtual hosts, applications, tasks).
 * Entries are grouped by kind ("vhost", "app", "record", …) and keyed within the kind;
 * values are opaque bytes (the kernel stores protobuf JSON). Writes are durable when the
 * method returns, so the API may answer 200 right after. The embedded implementation is
 * SQLite; a shared store (for clusters) can replace it.
 */
public interface StateStore extends AutoCloseable {

    /** Inserts or replaces an entry. */
    void put(String kind, String key, byte[] value);

    /** Returns an entry, if present. */
    Optional<byte[]> get(String kind, String key);

    /** Removes an entry; returns whether it existed. */
    boolean delete(String kind, String key);

    /** Removes every entry of the kind whose key starts with the prefix; returns how many. */
    int deletePrefix(String kind, String keyPrefix);

    /** All entries of a kind, in the order they were first inserted. */
    LinkedHashMap<String, byte[]> list(String kind);

    @Override
    void close();
}
