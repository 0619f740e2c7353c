package dev.kiln.push.internal.target;

/** The protocols a push can speak, by their API names. */
public enum Protocol {
    RTMP("rtmp"),
    SRT("srt"),
    MPEGTS("mpegts");

    private final String apiName;

    Protocol(String apiName) {
        this.apiName = apiName;
    }

    /** The name used in the API's {@code protocol} field. */
    public String apiName() {
        return apiName;
    }
}
