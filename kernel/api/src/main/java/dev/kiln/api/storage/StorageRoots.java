package dev.kiln.api.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folders files of one kind (recordings, HLS dumps) may be written under. The first is
 * where relative paths resolve (e.g. {@code <data>/records}). A path is accepted when,
 * normalized, it lies under a root, no part of it is {@code ..}, and its deepest existing
 * folder, with symbolic links resolved, still lies under that root's real location.
 */
public final class StorageRoots {
    private final String what;
    private final List<Path> roots;

    /**
     * @param what  the folders' name in error messages, e.g. {@code "record folders"}
     * @param roots the first is where relative paths resolve
     */
    public StorageRoots(String what, List<Path> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("at least one root of the " + what + " is required");
        }
        this.what = what;
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /**
     * The primary root followed by the folders of a path list such as an environment variable's
     * value ({@code :}-separated on Unix; blank entries are skipped).
     *
     * @param pathList may be null (no extra roots)
     */
    public static StorageRoots of(String what, Path primary, String pathList) {
        List<Path> roots = new ArrayList<>();
        roots.add(primary);
        if (pathList != null) {
            for (String p : pathList.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    roots.add(Path.of(p.trim()));
                }
            }
        }
        return new StorageRoots(what, roots);
    }

    /** Where relative paths resolve. */
    public Path primary() {
        return roots.get(0);
    }

    public List<Path> all() {
        return roots;
    }

    /**
     * Resolves a path (or a path template) against the primary root and checks it.
     *
     * @return the absolute, normalized path, as text
     * @throws IllegalArgumentException saying how the path escapes the roots (without the
     *                                  field name: the caller adds it)
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
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path (" + e.getMessage() + "): " + path);
        }
        Path abs = (p.isAbsolute() ? p : primary().resolve(p)).normalize();
        Path root = roots.stream().filter(abs::startsWith).findFirst().orElseThrow(() ->
                new IllegalArgumentException("is outside the " + what + " " + roots + ": " + path));
        checkLinks(root, abs, path);
        return abs.toString();
    }

    private void checkLinks(Path root, Path abs, String original) {
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
                throw new IllegalArgumentException("leads out of the " + what + " through a symbolic link: "
                        + original);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be checked (" + e.getMessage() + "): " + original);
        }
    }

    @Override
    public String toString() {
        return what + " " + roots;
    }
}
