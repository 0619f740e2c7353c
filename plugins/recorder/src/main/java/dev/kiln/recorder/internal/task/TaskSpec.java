package dev.kiln.recorder.internal.task;

import dev.kiln.api.media.StreamKey;
import dev.kiln.recorder.internal.mux.Container;
import dev.kiln.recorder.internal.naming.PathTemplate;
import dev.kiln.recorder.internal.schedule.CronSchedule;
import dev.kiln.recorder.internal.schedule.SplitPolicy;
import dev.kiln.proto.v1.StartRecordRequest;
import java.time.ZoneId;
import java.util.List;

/**
 * What a recording task was asked to do, validated: the request as given (echoed in answers)
 * and the parsed parts.
 *
 * @param request   the start request as received (REST: the body)
 * @param stream    the output stream to record
 * @param filePath  the file path template, absolute, inside the record folders
 * @param infoPath  the info file path template, absolute, inside the record folders
 * @param container MPEG-TS or MP4, from the file path's extension
 * @param rule      timestamps across split files
 * @param schedule  the split schedule, or null
 */
public record TaskSpec(StartRecordRequest request, StreamKey stream, PathTemplate filePath, PathTemplate infoPath,
                       Container container, SegmentationRule rule, CronSchedule schedule) {

    public String id() {
        return request.getId();
    }

    /** {@code vhost/app/id}: the task's key in the state store. */
    public String key() {
        return request.getVhost() + "/" + request.getApp() + "/" + request.getId();
    }

    public List<String> variantNames() {
        return request.getStream().getVariantNamesList();
    }

    public List<Integer> trackIds() {
        return request.getStream().getTrackIdsList();
    }

    public SplitPolicy splitPolicy() {
        if (request.hasInterval()) {
            return SplitPolicy.interval(request.getInterval());
        }
        if (schedule != null) {
            return SplitPolicy.schedule(schedule, ZoneId.systemDefault());
        }
        return SplitPolicy.never();
    }
}
