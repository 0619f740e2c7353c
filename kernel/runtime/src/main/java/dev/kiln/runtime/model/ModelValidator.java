package dev.kiln.runtime.model;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.AudioEncode;
import dev.kiln.proto.v1.BypassIfMatch;
import dev.kiln.proto.v1.ImageEncode;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.Playlist;
import dev.kiln.proto.v1.Rendition;
import dev.kiln.proto.v1.VideoEncode;
import dev.kiln.proto.v1.VirtualHost;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks virtual hosts, applications and output profiles where they enter the model (API or
 * configuration file). Each failure is an {@link InvalidArgumentException} naming the field.
 */
public final class ModelValidator {
    /** Names appear in URLs, file paths and stream keys: keep them to a safe alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> VIDEO_CODECS = Set.of("h264", "h265", "hevc", "vp8", "vp9", "av1");
    private static final Set<String> AUDIO_CODECS = Set.of("aac", "opus", "mp3");
    private static final Set<String> IMAGE_CODECS = Set.of("jpeg", "jpg", "png", "webp");
    private static final Set<String> MATCH_OPS = Set.of("eq", "lte", "gte");
    /** A playlist's file name: one path segment, served with ".m3u8" appended. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ModelValidator() {}

    /** True when the text can be a virtual host, application, profile or stream name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static void checkName(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException(what + " [name] is required");
        }
        if (!isValidName(name)) {
            throw new InvalidArgumentException(what + " name [" + name + "] is invalid: use 1 to 128 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    static void checkVirtualHost(VirtualHost v) {
        checkName("Virtual host", v.getName());
        if (!v.hasHost() || v.getHost().getNamesCount() == 0) {
            throw new InvalidArgumentException("Virtual host [" + v.getName() + "]: [host.names] is required");
        }
        for (String n : v.getHost().getNamesList()) {
            if (n.isBlank()) {
                throw new InvalidArgumentException("Virtual host [" + v.getName() + "]: [host.names] has an empty entry");
            }
        }
        if (v.getHost().hasTls()) {
            var tls = v.getHost().getTls();
            if (tls.getCertPath().isBlank() || tls.getKeyPath().isBlank()) {
                throw new InvalidArgumentException("Virtual host [" + v.getName()
                        + "]: [host.tls] needs [certPath] and [keyPath]");
            }
        }
    }

    static void checkApplication(Application a) {
        checkName("Application", a.getName());
        if (a.hasType() && !"live".equals(a.getType())) {
            throw new InvalidArgumentException("Application [" + a.getName() + "]: [type] must be \"live\", got \""
                    + a.getType() + "\"");
        }
        if (a.hasOutputProfiles()) {
            checkProfiles("Application [" + a.getName() + "]", a.getOutputProfiles().getOutputProfileList());
        }
    }

    static void checkProfiles(String where, List<OutputProfile> profiles) {
        Set<String> seen = new HashSet<>();
        for (OutputProfile p : profiles) {
            checkProfile(p);
            if (!seen.add(p.getName())) {
                throw new InvalidArgumentException(where + ": output profile [" + p.getName() + "] appears twice");
            }
        }
    }

    static void checkProfile(OutputProfile p) {
        checkName("Output profile", p.getName());
        String where = "Output profile [" + p.getName() + "]";
        if (p.getOutputStreamName().isBlank()) {
            throw new InvalidArgumentException(where + ": [outputStreamName] is required");
        }
        String sample = p.getOutputStreamName().replace("${OriginStreamName}", "stream");
        if (sample.contains("${")) {
            throw new InvalidArgumentException(where + ": [outputStreamName] may only use the macro ${OriginStreamName}");
        }
        if (!isValidName(sample)) {
            throw new InvalidArgumentException(where + ": [outputStreamName] \"" + p.getOutputStreamName()
                    + "\" does not give a valid stream name");
        }
        if (!p.hasEncodes() || (p.getEncodes().getVideosCount() == 0 && p.getEncodes().getAudiosCount() == 0)) {
            throw new InvalidArgumentException(where + ": [encodes] must have at least one video or audio item");
        }
        int i = 0;
        for (VideoEncode v : p.getEncodes().getVideosList()) {
            checkVideo(where + ": [encodes.videos[" + i++ + "]]", v);
        }
        i = 0;
        for (AudioEncode a : p.getEncodes().getAudiosList()) {
            checkAudio(where + ": [encodes.audios[" + i++ + "]]", a);
        }
        i = 0;
        for (ImageEncode img : p.getEncodes().getImagesList()) {
            String at = where + ": [encodes.images[" + i++ + "]]";
            checkCodec(at, img.hasCodec() ? img.getCodec() : null, IMAGE_CODECS);
        }
        checkPlaylists(where, p);
    }

    /** Playlists: unique plain file names, renditions naming encodes of the same profile. */
    private static void checkPlaylists(String where, OutputProfile p) {
        Set<String> videos = new HashSet<>();
        p.getEncodes().getVideosList().forEach(v -> videos.add(v.getName()));
        Set<String> audios = new HashSet<>();
        p.getEncodes().getAudiosList().forEach(a -> audios.add(a.getName()));
        Set<String> files = new HashSet<>();
        for (int i = 0; i < p.getPlaylistsCount(); i++) {
            Playlist pl = p.getPlaylists(i);
            String at = where + ": [playlists[" + i + "]";
            String file = pl.getFileName();
            if (file.isEmpty()) {
                throw new InvalidArgumentException(at + ".fileName] is required");
            }
            if (!FILE_NAME.matcher(file).matches() || file.startsWith("chunklist_")) {
                throw new InvalidArgumentException(at + ".fileName] \"" + file + "\" is invalid: use 1 to 64"
                        + " letters, digits, '_' or '-' (no \".m3u8\", not starting with \"chunklist_\")");
            }
            if (!files.add(file)) {
                throw new InvalidArgumentException(at + ".fileName] \"" + file + "\" appears twice");
            }
            if (pl.getRenditionsCount() == 0) {
                throw new InvalidArgumentException(at + ".renditions] must have at least one item");
            }
            for (int r = 0; r < pl.getRenditionsCount(); r++) {
                Rendition rd = pl.getRenditions(r);
                String rat = at + ".renditions[" + r + "]";
                if (rd.getVideo().isEmpty() && rd.getAudio().isEmpty()) {
                    throw new InvalidArgumentException(rat + "] needs [video] or [audio]");
                }
                if (!rd.getVideo().isEmpty() && !videos.contains(rd.getVideo())) {
                    throw new InvalidArgumentException(rat + ".video] \"" + rd.getVideo()
                            + "\" names no video encode of this profile");
                }
                if (!rd.getAudio().isEmpty() && !audios.contains(rd.getAudio())) {
                    throw new InvalidArgumentException(rat + ".audio] \"" + rd.getAudio()
                            + "\" names no audio encode of this profile");
                }
            }
        }
    }

    private static void checkVideo(String at, VideoEncode v) {
        if (v.getBypass()) {
            return;
        }
        checkCodec(at, v.hasCodec() ? v.getCodec() : null, VIDEO_CODECS);
        positive(at, "width", v.hasWidth(), v.getWidth());
        positive(at, "height", v.hasHeight(), v.getHeight());
        positive(at, "bitrate", v.hasBitrate(), v.getBitrate());
        if (v.hasFramerate() && !(v.getFramerate() > 0 && v.getFramerate() <= 240)) {
            throw new InvalidArgumentException(at + " [framerate] must be between 0 and 240");
        }
        positive(at, "keyFrameInterval", v.hasKeyFrameInterval(), v.getKeyFrameInterval());
        if (v.hasBFrames() && v.getBFrames() < 0) {
            throw new InvalidArgumentException(at + " [bFrames] must not be negative");
        }
        checkMatch(at, v.hasBypassIfMatch() ? v.getBypassIfMatch() : null);
    }

    private static void checkAudio(String at, AudioEncode a) {
        if (a.getBypass()) {
            return;
        }
        checkCodec(at, a.hasCodec() ? a.getCodec() : null, AUDIO_CODECS);
        positive(at, "samplerate", a.hasSamplerate(), a.getSamplerate());
        positive(at, "bitrate", a.hasBitrate(), a.getBitrate());
        if (a.hasChannel() && (a.getChannel() < 1 || a.getChannel() > 8)) {
            throw new InvalidArgumentException(at + " [channel] must be between 1 and 8");
        }
        checkMatch(at, a.hasBypassIfMatch() ? a.getBypassIfMatch() : null);
    }

    private static void checkCodec(String at, String codec, Set<String> allowed) {
        if (codec == null || codec.isBlank()) {
            throw new InvalidArgumentException(at + " [codec] is required unless [bypass] is true");
        }
        if (!allowed.contains(codec.toLowerCase(Locale.ROOT))) {
            throw new InvalidArgumentException(at + " [codec] \"" + codec + "\" is not supported (use one of "
                    + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
    }

    private static void positive(String at, String field, boolean present, long value) {
        if (present && value <= 0) {
            throw new InvalidArgumentException(at + " [" + field + "] must be greater than 0");
        }
    }

    private static void checkMatch(String at, BypassIfMatch m) {
        if (m == null) {
            return;
        }
        for (var e : m.getAllFields().entrySet()) {
            String op = String.valueOf(e.getValue());
            if (!MATCH_OPS.contains(op)) {
                throw new InvalidArgumentException(at + " [bypassIfMatch." + e.getKey().getJsonName()
                        + "] must be eq, lte or gte, got \"" + op + "\"");
            }
        }
    }
}
