package dev.kiln.runtime.control;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.api.publish.Id3Frame;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.proto.v1.Id3Event;
import dev.kiln.proto.v1.SendEventRequest;
import dev.kiln.proto.v1.StartHlsDumpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the stream API's sendEvent and startHlsDump requests into the publisher SPI's values,
 * or a 400 naming the field that is wrong. Dump paths are resolved against the first dump root
 * and must stay inside the dump roots.
 */
final class PlaybackRequests {
    private PlaybackRequests() {}

    static PlaybackEvent event(SendEventRequest r) {
        if (r.getEventFormat().isEmpty()) {
            throw new InvalidArgumentException("[eventFormat] is required; only id3v2 is supported");
        }
        if (!r.getEventFormat().equalsIgnoreCase("id3v2")) {
            throw new InvalidArgumentException("[eventFormat] " + r.getEventFormat()
                    + " is not supported; only id3v2 is");
        }
        String type = r.hasEventType() ? r.getEventType().toLowerCase(Locale.ROOT) : "event";
        PlaybackEvent.Target target = switch (type) {
            case "event" -> PlaybackEvent.Target.ALL;
            case "video" -> PlaybackEvent.Target.VIDEO;
            case "audio" -> PlaybackEvent.Target.AUDIO;
            default -> throw new InvalidArgumentException("[eventType] must be event, video or audio; got "
                    + r.getEventType());
        };
        if (r.getEventsCount() == 0) {
            throw new InvalidArgumentException("[events] is required: give at least one ID3 frame");
        }
        List<Id3Frame> frames = new ArrayList<>();
        for (int i = 0; i < r.getEventsCount(); i++) {
            Id3Event e = r.getEvents(i);
            String field = "[events[" + i + "].frameType]";
            if (e.getFrameType().isEmpty()) {
                throw new InvalidArgumentException(field + " is required");
            }
            if (!e.getFrameType().matches("T[A-Z0-9]{3}")) {
                throw new InvalidArgumentException(field + " " + e.getFrameType()
                        + " is not supported: use TXXX or a T??? text information frame such as TIT2");
            }
            if (e.getData().isEmpty()) {
                throw new InvalidArgumentException("[events[" + i + "].data] is required");
            }
            frames.add(new Id3Frame(e.getFrameType(), e.hasInfo() ? e.getInfo() : "", e.getData()));
        }
        return new PlaybackEvent(target, frames);
    }

    static HlsDumpRequest dump(StartHlsDumpRequest r, StreamKey output, StorageRoots dumpRoots) {
        if (r.getId().isEmpty()) {
            throw new InvalidArgumentException("[id] is required");
        }
        if (r.getOutputPath().isEmpty()) {
            throw new InvalidArgumentException("[outputPath] is required");
        }
        Path outputPath = inside("outputPath", r.getOutputPath(), dumpRoots);
        List<String> playlists = new ArrayList<>();
        for (int i = 0; i < r.getPlaylistCount(); i++) {
            String name = r.getPlaylist(i);
            if (!name.matches("[A-Za-z0-9._-]{1,128}\\.m3u8")) {
                throw new InvalidArgumentException("[playlist[" + i + "]] must be a file name ending in .m3u8"
                        + " (letters, digits, '.', '_', '-'); got [" + name + "]");
            }
            playlists.add(name);
        }
        Optional<Path> info = Optional.empty();
        if (r.hasInfoFile() && !r.getInfoFile().isEmpty()) {
            Path p = inside("infoFile", r.getInfoFile(), dumpRoots);
            if (dumpRoots.all().contains(p)) {
                throw new InvalidArgumentException("[infoFile] must name a file inside " + dumpRoots);
            }
            if (Files.exists(p)) {
                throw new InvalidArgumentException("[infoFile] " + p + " already exists");
            }
            info = Optional.of(p);
        }
        return new HlsDumpRequest(output, r.getId(), outputPath, playlists, info,
                r.hasUserData() ? r.getUserData() : "");
    }

    /**
     * A path resolved against the first dump root (when relative) that must stay inside the
     * dump roots: no {@code ..}, no symbolic link leading out.
     */
    static Path inside(String field, String text, StorageRoots roots) {
        try {
            return Path.of(roots.confine(text));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("[" + field + "] " + e.getMessage()
                    + "; give a path inside them (or relative to " + roots.primary() + ")");
        }
    }
}
