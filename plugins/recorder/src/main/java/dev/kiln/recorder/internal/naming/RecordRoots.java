package dev.kiln.recorder.internal.naming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The folders recordings may be written under. The first is where relative paths resolve
 * (by default {@code <data>/records}). A path is accepted when, normalized, it lies under a
 * root, no part of it is {@code ..}, and its deepest existing folder, with symbolic links
 * resolved, still lies under that root's real location.
 */
public final class RecordRoots {
    private final List<Path> roots;

    public RecordRoots(List<Path> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("at least one record root is required");
        }
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** Where relative paths resolve. */
    public Path primary() {
        return roots.get(0);
    }

    public List<Path> all() {
        return roots;
    }

    /**
     * Resolves a path template (or an expanded path) against the primary root and checks it.
     *
     * @return the absolute path, as text
     * @throws IllegalArgumentException saying how the path escapes the roots
     */
    public String confine(String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        for (String part : path.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw new IllegalArgumentException("must not contain '..': " + path);
            }
        }
        Path p = Path.of(path);
        Path abs = (p.isAbsolute() ? p : primary().resolve(p)).normalize();
        Path root = roots.stream().filter(abs::startsWith).findFirst().orElseThrow(() ->
                new IllegalArgumentException("is outside the record folders " + roots + ": " + path));
        checkLinks(root, abs, path);
        return abs.toString();
    }

    private static void checkLinks(Path root, Path abs, String original) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null || !existing.startsWith(root)) {
            return; // the root itself does not exist yet: nothing under it can be a link
        }
        try {
            Path realRoot = root.toRealPath();
            Path real = existing.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new IllegalArgumentException("leads out of the record folders through a symbolic link: "
                        + original);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be checked (" + e.getMessage() + "): " + original);
        }
    }
}
