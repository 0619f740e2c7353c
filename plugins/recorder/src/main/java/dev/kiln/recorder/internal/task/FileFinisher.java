package dev.kiln.recorder.internal.task;

import dev.kiln.api.storage.StorageRoots;
import dev.kiln.recorder.internal.info.FileEntry;
import dev.kiln.recorder.internal.info.InfoFile;
import dev.kiln.recorder.internal.naming.MacroValues;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a written temporary file into a finished recording: the final name (its
 * {@code ${EndTime}} known now), an atomic rename that never replaces another recording, and
 * an entry in the info file. Used when a file ends and, at start-up, for the files a crash
 * left behind.
 */
final class FileFinisher {
    private static final Logger log = LoggerFactory.getLogger(FileFinisher.class);

    private final StorageRoots roots;

    FileFinisher(StorageRoots roots) {
        this.roots = roots;
    }

    /** The file's final path and size. */
    record Finished(Path path, long bytes) {}

    Finished finish(TaskSpec spec, Progress progress, Path temp, MacroValues values, Path info, long recordTime,
                    boolean last) {
        Path target;
        try {
            target = Path.of(roots.confine(spec.filePath().expand(values)));
        } catch (IllegalArgumentException e) {
            log.warn("Record task [{}]: final name {}; keeping {}", spec.key(), e.getMessage(), temp);
            target = temp;
        }
        Path done = temp;
        long bytes = 0;
        try {
            if (!temp.equals(target)) {
                done = free(target);
                Files.createDirectories(done.getParent());
                move(temp, done);
            }
            bytes = Files.size(done);
        } catch (IOException e) {
            log.error("Record task [{}]: cannot rename {} to {}: {}", spec.key(), temp, target, e.toString());
            done = temp;
        }
        FileEntry entry = new FileEntry(progress.transactionId, spec.id(), spec.request().getMetadata(),
                values.vhost(), values.app(), values.stream(), done.toString(), bytes, recordTime, values.sequence(),
                last, progress.createdTime, ApiTime.format(values.startTime()), ApiTime.format(values.endTime()));
        try {
            InfoFile.append(info, entry);
        } catch (IOException e) {
            log.error("Record task [{}]: cannot update the info file {}: {}", spec.key(), info, e.toString());
        }
        log.info("Record task [{}] finished {} ({} bytes, {} ms)", spec.key(), done, bytes, recordTime);
        return new Finished(done, bytes);
    }

    /** {@code target}, or {@code name-1.ext}, {@code name-2.ext}, … when a file of that name exists. */
    private static Path free(Path target) {
        if (!Files.exists(target)) {
            return target;
        }
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 1; ; i++) {
            Path p = target.resolveSibling(stem + "-" + i + ext);
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
