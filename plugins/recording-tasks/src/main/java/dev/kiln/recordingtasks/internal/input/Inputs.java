package dev.kiln.recordingtasks.internal.input;

import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.proto.v1.RecordingInput;

/**
 * Opens a task's input. A published stream (RTMP or SRT types) is {@code default/<input_module_id>/<input_stream_id>};
 * the test video is generated into {@code default/<input_module_id or "app">/callaba_test_<task id>};
 * URL and listen inputs are read by FFmpeg into {@code default/<input_module_id or "app">/callaba_input_<task id>}.
 */
public final class Inputs {
    /** The virtual host of every input. */
    public static final String VHOST = "default";
    /** The application the test video goes to when {@code input_module_id} is not given. */
    public static final String TEST_VIDEO_APP = "app";

    private final StreamRegistry streams;
    private final String bind;

    /** {@code bind}: the address listen inputs listen on (the media ports' bind address). */
    public Inputs(StreamRegistry streams, String bind) {
        this.streams = streams;
        this.bind = bind;
    }

    /**
     * Opens the input of task {@code taskId} (validated).
     *
     * @throws dev.kiln.api.error.NotFoundException when the test video's application does not exist
     * @throws dev.kiln.api.error.ConflictException when the test video's stream name is live
     */
    public InputSource open(String taskId, RecordingInput input) {
        InputType type = InputType.of(input.getInputType()).orElseThrow();
        switch (type.kind()) {
            case PUBLISHED: {
                StreamKey key = new StreamKey(VHOST, input.getInputModuleId(), input.getInputStreamId());
                return new InputSource() {
                    @Override
                    public StreamKey stream() {
                        return key;
                    }

                    @Override
                    public void close() {
                        // the publisher owns the stream
                    }
                };
            }
            case TEST_VIDEO: {
                String app = input.hasInputModuleId() && !input.getInputModuleId().isBlank()
                        ? input.getInputModuleId() : TEST_VIDEO_APP;
                StreamKey key = new StreamKey(VHOST, app, "callaba_test_" + taskId);
                return TestVideoSource.start(streams, key, TestVideoSettings.of(input));
            }
            case URL:
            case LISTEN: {
                String app = input.hasInputModuleId() && !input.getInputModuleId().isBlank()
                        ? input.getInputModuleId() : TEST_VIDEO_APP;
                StreamKey key = new StreamKey(VHOST, app, "callaba_input_" + taskId);
                Listen listen = Listen.of(input).orElse(null);
                if (listen != null) {
                    return UrlSource.start(streams, key, listen.url(bind), listen.options(), UrlSource.LISTEN_TYPE);
                }
                return UrlSource.start(streams, key, input.getInputStreamUrl(), java.util.Map.of(), UrlSource.URL_TYPE);
            }
            default:
                throw new NotImplementedException("[input.input_type] " + type + " is not supported");
        }
    }
}
