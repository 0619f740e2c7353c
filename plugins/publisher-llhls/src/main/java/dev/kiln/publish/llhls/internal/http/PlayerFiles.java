package dev.kiln.publish.llhls.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The player page's files: classpath resources under {@code player/} of this bundle (the page,
 * and hls.js unpacked from its webjar at build time), read once and kept in memory.
 */
public final class PlayerFiles {
    /** A file's bytes and content type. */
    public record File(byte[] bytes, String contentType) {}

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "application/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "map", "application/json",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "txt", "text/plain; charset=utf-8");

    private final ClassLoader loader;
    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    public PlayerFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** The file {@code player/<name>}, or empty for a missing file or a name that is not plain. */
    public Optional<File> read(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || name.contains("..")) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, this::load);
    }

    private Optional<File> load(String name) {
        try (InputStream in = loader.getResourceAsStream("player/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            return Optional.of(new File(in.readAllBytes(), TYPES.getOrDefault(ext, "application/octet-stream")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read player/" + name, e);
        }
    }
}
