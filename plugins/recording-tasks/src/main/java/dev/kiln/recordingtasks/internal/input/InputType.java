package dev.kiln.recordingtasks.internal.input;

import java.util.Optional;

/** Callaba's {@code input_type} values, by how Kiln gets the media. */
public enum InputType {
    INPUT_TYPE_RTMP_SOFTWARE(Kind.PUBLISHED),
    INPUT_TYPE_RTMP_HARDWARE(Kind.PUBLISHED),
    INPUT_TYPE_SRT_SOFTWARE(Kind.PUBLISHED),
    INPUT_TYPE_SRT_HARDWARE(Kind.PUBLISHED),
    INPUT_TYPE_GENERATE_TEST_VIDEO(Kind.TEST_VIDEO),
    INPUT_TYPE_SRT_URL(Kind.URL),
    INPUT_TYPE_RTMP_URL(Kind.URL),
    INPUT_TYPE_RTSP_URL(Kind.URL),
    INPUT_TYPE_UDP_URL(Kind.URL),
    INPUT_TYPE_HTTP_URL(Kind.URL),
    INPUT_TYPE_HLS_URL(Kind.URL),
    INPUT_TYPE_MPEG_DASH_URL(Kind.URL),
    INPUT_TYPE_OTHER(Kind.URL),
    INPUT_TYPE_SRT_LISTEN(Kind.LISTEN),
    INPUT_TYPE_RTMP_LISTEN(Kind.LISTEN),
    INPUT_TYPE_RTSP_LISTEN(Kind.LISTEN),
    INPUT_TYPE_UDP_LISTEN(Kind.LISTEN),
    INPUT_TYPE_HTTP_LISTEN(Kind.LISTEN);

    /** Where the media comes from. */
    public enum Kind {
        /** A stream published to Kiln (RTMP or SRT ingest): {@code input_module_id} = app. */
        PUBLISHED,
        /** Made inside Kiln. */
        TEST_VIDEO,
        /** Pulled from an address. */
        URL,
        /** Sent to a port Kiln listens on for this task. */
        LISTEN
    }

    private final Kind kind;

    InputType(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<InputType> of(String name) {
        for (InputType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
