package dev.kiln.recorder.internal.task;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.recorder.internal.mux.Container;
import dev.kiln.recorder.internal.naming.PathTemplate;
import dev.kiln.recorder.internal.schedule.CronSchedule;

/**
 * Checks a start request where it enters; every error names the field. Paths resolve under
 * the record folders and may not leave them.
 */
public final class TaskValidator {
    /** {@code <root>/<vhost>/<app>/} is prefixed to this when no filePath is given. */
    static final String DEFAULT_FILE =
            "${TransactionId}_${VirtualHost}_${Application}_${Stream}_${StartTime:YYYYMMDDhhmmss}_${EndTime:YYYYMMDDhhmmss}.ts";
    /** The default info file: one per task and stream, listing every file. */
    static final String DEFAULT_INFO = "${TransactionId}_${VirtualHost}_${Application}_${Stream}.xml";

    private final StorageRoots roots;

    public TaskValidator(StorageRoots roots) {
        this.roots = roots;
    }

    /** Checks a record API request: its files are MPEG-TS or MP4, as OME's. */
    public TaskSpec validate(StartRecordRequest r) {
        return validate(r, false);
    }

    /**
     * Checks a request; {@code anyContainer} also takes the MOV, AVI and FLV files the
     * {@code StreamRecorder} SPI may ask for.
     */
    public TaskSpec validate(StartRecordRequest r, boolean anyContainer) {
        if (r.getId().isBlank()) {
            throw bad("[id] is required");
        }
        if (!r.hasStream() || r.getStream().getName().isBlank()) {
            throw bad("[stream.name] is required");
        }
        if (r.hasInterval() && r.hasSchedule()) {
            throw bad("[interval] and [schedule] cannot be used together");
        }
        if (r.hasInterval() && r.getInterval() <= 0) {
            throw bad("[interval] must be a positive number of milliseconds, got " + r.getInterval());
        }
        CronSchedule schedule = null;
        if (r.hasSchedule()) {
            try {
                schedule = CronSchedule.parse(r.getSchedule());
            } catch (IllegalArgumentException e) {
                throw bad("[schedule] " + e.getMessage());
            }
        }
        SegmentationRule rule = SegmentationRule.DISCONTINUITY;
        if (r.hasSegmentationRule() && !r.getSegmentationRule().isEmpty()) {
            rule = SegmentationRule.of(r.getSegmentationRule());
            if (rule == null) {
                throw bad("[segmentationRule] must be continuity or discontinuity, got \""
                        + r.getSegmentationRule() + "\"");
            }
        }
        String folder = r.getVhost() + "/" + r.getApp() + "/";
        PathTemplate file = path("filePath", r.hasFilePath() && !r.getFilePath().isEmpty()
                ? r.getFilePath() : folder + DEFAULT_FILE);
        PathTemplate info = path("infoPath", r.hasInfoPath() && !r.getInfoPath().isEmpty()
                ? r.getInfoPath() : folder + DEFAULT_INFO);
        Container container = Container.byFileName(file.template())
                .filter(c -> anyContainer || c == Container.TS || c == Container.MP4)
                .orElseThrow(() -> bad(anyContainer ? "[filePath] must end in .ts, .mp4, .mov, .avi or .flv: "
                        + r.getFilePath() : "[filePath] must end in .ts or .mp4: " + r.getFilePath()));
        if (info.template().equals(file.template())) {
            throw bad("[infoPath] must differ from [filePath]");
        }
        StreamKey stream = new StreamKey(r.getVhost(), r.getApp(), r.getStream().getName());
        return new TaskSpec(r, stream, file, info, container, rule, schedule);
    }

    private PathTemplate path(String field, String value) {
        try {
            return PathTemplate.parse(roots.confine(value));
        } catch (IllegalArgumentException e) {
            throw bad("[" + field + "] " + e.getMessage());
        }
    }

    private static InvalidArgumentException bad(String message) {
        return new InvalidArgumentException(message);
    }
}
