package dev.kiln.runtime.state;

import dev.kiln.api.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link StateStore}: one SQLite file in WAL mode with full fsync, so an entry
 * is on disk when {@link #put} returns. One connection, serialized by this object's monitor:
 * writes come from API calls and are rare, so contention is not a concern.
 */
public final class SqliteStateStore implements StateStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

    private final Path file;
    private final Connection connection;

    private SqliteStateStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating when missing) the database file and its schema. */
    public static SqliteStateStore open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the state folder for " + file, e);
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS entries ("
                        + " kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
                        + " PRIMARY KEY (kind, key))");
            }
            log.info("State store: {}", file.toAbsolutePath());
            return new SqliteStateStore(file, c);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open the state store " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void put(String kind, String key, byte[] value) {
        // ON CONFLICT … DO UPDATE keeps the row id, so list() keeps first-insert order.
        String sql = "INSERT INTO entries(kind, key, value) VALUES (?, ?, ?)"
                + " ON CONFLICT(kind, key) DO UPDATE SET value = excluded.value";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, kind);
            ps.setString(2, key);
            ps.setBytes(3, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("write", kind, key, e);
        }
    }

    @Override
    public synchronized Optional<byte[]> get(String kind, String key) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT value FROM entries WHERE kind = ? AND key = ?")) {
            ps.setString(1, kind);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read", kind, key, e);
        }
    }

    @Override
    public synchronized boolean delete(String kind, String key) {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM entries WHERE kind = ? AND key = ?")) {
            ps.setString(1, kind);
            ps.setString(2, key);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failure("delete", kind, key, e);
        }
    }

    @Override
    public synchronized int deletePrefix(String kind, String keyPrefix) {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM entries WHERE kind = ? AND substr(key, 1, ?) = ?")) {
            ps.setString(1, kind);
            ps.setInt(2, keyPrefix.length());
            ps.setString(3, keyPrefix);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("delete", kind, keyPrefix + "*", e);
        }
    }

    @Override
    public synchronized LinkedHashMap<String, byte[]> list(String kind) {
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT key, value FROM entries WHERE kind = ? ORDER BY rowid")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBytes(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("list", kind, "*", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("Closing the state store failed: {}", e.getMessage());
        }
    }

    private IllegalStateException failure(String op, String kind, String key, SQLException e) {
        return new IllegalStateException(
                "State store " + op + " failed for " + kind + "/" + key + ": " + e.getMessage(), e);
    }
}
