package dev.kiln.api.media;

/** Kind of a track. */
public enum MediaType {
    VIDEO("Video"),
    AUDIO("Audio"),
    DATA("Data");

    private final String displayName;

    MediaType(String displayName) {
        this.displayName = displayName;
    }

    /** Name as the REST API shows it ("Video", "Audio", "Data"). */
    public String displayName() {
        return displayName;
    }
}
