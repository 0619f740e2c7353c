package dev.kiln.recorder.internal.task;

/** Timestamps across the files of one recording. */
public enum SegmentationRule {
    /** Each file's timestamps follow the previous file's. */
    CONTINUITY("continuity"),
    /** Each file's timestamps start at 0 (the default). */
    DISCONTINUITY("discontinuity");

    private final String apiName;

    SegmentationRule(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** Parses the API value; null when unknown. */
    static SegmentationRule of(String value) {
        for (SegmentationRule r : values()) {
            if (r.apiName.equals(value)) {
                return r;
            }
        }
        return null;
    }
}
