package dev.kiln.publish.llhls.internal.dump;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.publish.llhls.internal.packager.Playlists;
import dev.kiln.publish.llhls.internal.packager.Segment;
import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import dev.kiln.publish.llhls.internal.packager.TrackPackager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one output stream's HLS (init segments, segments, a plain media playlist per track and
 * the multivariant playlists asked for) into a folder, and keeps the info XML up to date:
 * {@code Running}, then {@code Completed} when stopped or when the stream ends, or
 * {@code Error} when a write fails. Starts with the segments the stream holds now. All file
 * work runs on the given executor, in order.
 */
public final class HlsDump implements StreamPackager.SegmentListener {
    private static final Logger log = LoggerFactory.getLogger(HlsDump.class);

    private final HlsDumpRequest request;
    private final StreamPackager stream;
    private final Executor io;
    private final Consumer<HlsDump> onEnd;
    private final DumpInfo info;
    private final Map<Integer, List<Segment>> written = new HashMap<>();
    private final Set<Path> listed = new HashSet<>();
    private volatile boolean over;

    public HlsDump(HlsDumpRequest request, StreamPackager stream, Executor io, Consumer<HlsDump> onEnd) {
        this.request = request;
        this.stream = stream;
        this.io = io;
        this.onEnd = onEnd;
        this.info = new DumpInfo(request.userData(), "/" + stream.key());
    }

    public String id() {
        return request.id();
    }

    /** Creates the folder and the info file (on the caller's thread: the API's blocking executor), then runs. */
    public void start() {
        try {
            Files.createDirectories(request.outputPath());
        } catch (IOException e) {
            throw new InvalidArgumentException("[outputPath] " + request.outputPath() + " cannot be created: " + e);
        }
        if (request.infoFile().isPresent()) {
            Path f = request.infoFile().get();
            try {
                Files.createDirectories(f.toAbsolutePath().getParent());
                try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW)) {
                    out.write(info.xml().getBytes(StandardCharsets.UTF_8));
                }
            } catch (FileAlreadyExistsException e) {
                throw new InvalidArgumentException("[infoFile] " + f + " already exists");
            } catch (IOException e) {
                throw new InvalidArgumentException("[infoFile] " + f + " cannot be written: " + e);
            }
        }
        List<TrackPackager> tracks = stream.tracks();
        Map<TrackPackager, List<Segment>> existing = new HashMap<>();
        for (TrackPackager t : tracks) {
            List<Segment> segs = t.window().segments();
            int n = stream.settings().segmentCount();
            existing.put(t, segs.size() > n ? segs.subList(segs.size() - n, segs.size()) : segs);
        }
        stream.addSegmentListener(this);
        io.execute(() -> guarded(() -> {
            for (TrackPackager t : tracks) {
                for (Segment s : existing.get(t)) {
                    writeSegment(t, s);
                }
            }
            writeInfo();
        }));
        log.info("HLS dump {} of {} started into {}", request.id(), stream.key(), request.outputPath());
    }

    /** Stops listening; the playlists get EXT-X-ENDLIST and the info file Completed. */
    public void stop() {
        finish(DumpInfo.Status.Completed);
    }

    @Override
    public void segmentCompleted(StreamPackager s, TrackPackager track, Segment segment) {
        if (!over) {
            io.execute(() -> guarded(() -> {
                writeSegment(track, segment);
                writeInfo();
            }));
        }
    }

    @Override
    public void streamEnded(StreamPackager s) {
        finish(DumpInfo.Status.Completed);
    }

    private void finish(DumpInfo.Status status) {
        if (over) {
            return;
        }
        over = true;
        stream.removeSegmentListener(this);
        io.execute(() -> {
            try {
                if (info.status() == DumpInfo.Status.Running) {
                    for (TrackPackager t : stream.tracks()) {
                        if (written.containsKey(t.trackId())) {
                            writeMediaPlaylist(t, true);
                        }
                    }
                    info.status(status);
                }
                writeInfo();
                log.info("HLS dump {} of {} ended: {}", request.id(), stream.key(), info.status());
            } catch (IOException | RuntimeException e) {
                log.warn("HLS dump {} of {} could not be finished: {}", request.id(), stream.key(), e.toString());
            }
        });
        onEnd.accept(this);
    }

    private interface IoWork {
        void run() throws IOException;
    }

    private void guarded(IoWork work) {
        if (info.status() != DumpInfo.Status.Running) {
            return;
        }
        try {
            work.run();
        } catch (IOException | RuntimeException e) {
            log.warn("HLS dump {} of {} failed: {}", request.id(), stream.key(), e.toString());
            info.status(DumpInfo.Status.Error);
            try {
                writeInfo();
            } catch (IOException again) {
                log.warn("HLS dump {}: the info file could not be written either: {}", request.id(), again.toString());
            }
            if (!over) {
                over = true;
                stream.removeSegmentListener(this);
                onEnd.accept(this);
            }
        }
    }

    private void writeSegment(TrackPackager t, Segment s) throws IOException {
        Path dir = request.outputPath();
        List<Segment> segs = written.computeIfAbsent(t.trackId(), k -> new ArrayList<>());
        if (segs.isEmpty()) {
            Path init = dir.resolve(t.initName());
            Files.write(init, t.init());
            info.add(init.toString());
        }
        if (!segs.isEmpty() && segs.get(segs.size() - 1).msn() >= s.msn()) {
            return;
        }
        Path file = dir.resolve(t.segmentName(s.msn()));
        Path tmp = dir.resolve(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (var p : s.parts()) {
                out.write(p.data());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        segs.add(s);
        info.add(file.toString());
        writeMediaPlaylist(t, false);
        for (String name : request.playlists()) {
            Path m = dir.resolve(name);
            if (!listed.contains(m)) {
                writeText(m, Playlists.multivariant(stream, name).orElseGet(() -> Playlists.multivariant(stream)));
                listed.add(m);
                info.add(m.toString());
            }
        }
    }

    private void writeMediaPlaylist(TrackPackager t, boolean ended) throws IOException {
        Path p = request.outputPath().resolve(t.playlistName());
        writeText(p, Playlists.dumpMedia(stream, t, written.getOrDefault(t.trackId(), List.of()), ended));
        if (listed.add(p)) {
            info.add(p.toString());
        }
    }

    private void writeInfo() throws IOException {
        if (request.infoFile().isPresent()) {
            writeText(request.infoFile().get(), info.xml());
        }
    }

    private static void writeText(Path p, String text) throws IOException {
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
