package dev.kiln.recordingtasks.internal.task;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.proto.v1.RecordingInput;
import dev.kiln.proto.v1.RecordingTaskRequest;
import dev.kiln.proto.v1.RecordingTranscoding;
import dev.kiln.recordingtasks.internal.input.InputType;
import dev.kiln.recordingtasks.internal.input.Listen;
import java.net.URI;
import java.net.URISyntaxException;
import dev.kiln.recordingtasks.internal.input.TestVideoSettings;
import dev.kiln.recordingtasks.internal.transcode.Transcoding;
import java.util.List;
import java.util.Locale;

/** Checks a task's definition where it enters; every error names the field. */
final class TaskValidator {
    static final String TO_FILE = "RECORDING_STREAM_TO_FILE";
    static final String TO_MEMORY = "RECORDING_STREAM_TO_MEMORY";
    static final List<String> FORMATS = List.of("mp4", "mov", "avi", "flv");

    private TaskValidator() {}

    /** Checks a complete definition (create, or update merged with the stored task). */
    static void validate(RecordingTaskRequest r) {
        if (!r.hasRecordingName() || r.getRecordingName().isBlank()) {
            throw bad("[recording_name] is required");
        }
        if (r.getRecordingName().length() > 200) {
            throw bad("[recording_name] is longer than 200 characters");
        }
        if (!r.hasRecordingType() || r.getRecordingType().isBlank()) {
            throw bad("[recording_type] is required");
        }
        if (r.getRecordingType().equals(TO_MEMORY)) {
            throw bad("[recording_type] " + TO_MEMORY + " is not supported; use " + TO_FILE);
        }
        if (!r.getRecordingType().equals(TO_FILE)) {
            throw bad("[recording_type] must be " + TO_FILE + ", got \"" + r.getRecordingType() + "\"");
        }
        if (!r.hasInput()) {
            throw bad("[input] is required");
        }
        input(r.getInput());
        if (!r.hasOutputFormat() || r.getOutputFormat().isBlank()) {
            throw bad("[output_format] is required");
        }
        if (!FORMATS.contains(r.getOutputFormat())) {
            throw bad("[output_format] must be one of " + String.join(", ", FORMATS) + ", got \""
                    + r.getOutputFormat() + "\"");
        }
        if (r.hasTranscoding()) {
            transcoding(r.getTranscoding());
        }
    }

    private static void input(RecordingInput in) {
        if (!in.hasInputType() || in.getInputType().isBlank()) {
            throw bad("[input.input_type] is required");
        }
        InputType type = InputType.of(in.getInputType()).orElseThrow(() ->
                bad("[input.input_type] unknown input type \"" + in.getInputType() + "\""));
        switch (type.kind()) {
            case PUBLISHED -> {
                if (!in.hasInputModuleId() || in.getInputModuleId().isBlank()) {
                    throw bad("[input.input_module_id] is required for " + type + ": the Kiln application");
                }
                if (!in.hasInputStreamId() || in.getInputStreamId().isBlank()) {
                    throw bad("[input.input_stream_id] is required for " + type + ": the stream name");
                }
                name("input.input_module_id", in.getInputModuleId());
                name("input.input_stream_id", in.getInputStreamId());
            }
            case TEST_VIDEO -> testVideo(in);
            case URL, LISTEN -> {
                if (in.hasInputModuleId() && !in.getInputModuleId().isBlank()) {
                    name("input.input_module_id", in.getInputModuleId());
                }
                Listen listen = Listen.of(in).orElse(null);
                if (listen != null) {
                    listen(in, listen, type);
                } else if (type.kind() == InputType.Kind.LISTEN) {
                    throw bad("[input.input_stream_listen_port] is required for " + type);
                } else {
                    url(in, type);
                }
            }
        }
    }

    private static void listen(RecordingInput in, Listen listen, InputType type) {
        if (!in.getInputStreamListenPort().hasPort()) {
            throw bad("[input.input_stream_listen_port.port] is required for " + type);
        }
        range("input.input_stream_listen_port.port", listen.port(), 1, 65535);
        String transport = in.getInputStreamListenPort().getTransport();
        if (!transport.isEmpty() && !transport.equalsIgnoreCase(listen.transport())) {
            throw bad("[input.input_stream_listen_port.transport] must be " + listen.transport() + " for " + type
                    + ", got \"" + transport + "\"");
        }
    }

    private static void url(RecordingInput in, InputType type) {
        if (!in.hasInputStreamUrl() || in.getInputStreamUrl().isBlank()) {
            throw bad("[input.input_stream_url] is required for " + type);
        }
        String url = in.getInputStreamUrl();
        String scheme;
        try {
            scheme = new URI(url).getScheme();
        } catch (URISyntaxException e) {
            throw bad("[input.input_stream_url] is not a valid address: " + e.getMessage());
        }
        List<String> allowed = schemes(type);
        if (scheme == null || !allowed.contains(scheme.toLowerCase(Locale.ROOT))) {
            throw bad("[input.input_stream_url] must be a " + String.join(", ", allowed) + " address for " + type
                    + ", got \"" + url + "\"");
        }
    }

    private static List<String> schemes(InputType type) {
        return switch (type) {
            case INPUT_TYPE_SRT_URL -> List.of("srt");
            case INPUT_TYPE_RTMP_URL -> List.of("rtmp", "rtmps");
            case INPUT_TYPE_RTSP_URL -> List.of("rtsp", "rtsps");
            case INPUT_TYPE_UDP_URL -> List.of("udp", "rtp");
            case INPUT_TYPE_HTTP_URL, INPUT_TYPE_HLS_URL, INPUT_TYPE_MPEG_DASH_URL -> List.of("http", "https");
            default -> List.of("srt", "rtmp", "rtmps", "rtsp", "rtsps", "udp", "rtp", "http", "https", "tcp",
                    "rist");
        };
    }

    private static void testVideo(RecordingInput in) {
        if (in.hasInputModuleId() && !in.getInputModuleId().isBlank()) {
            name("input.input_module_id", in.getInputModuleId());
        }
        TestVideoSettings s = TestVideoSettings.of(in);
        range("input.encoding_rate", s.frameRate(), 1, 120);
        range("input.sound_hz", s.soundHz(), 1, 20000);
        range("input.resolution_width", s.width(), 16, 7680);
        range("input.resolution_height", s.height(), 16, 4320);
        if (s.width() % 2 != 0 || s.height() % 2 != 0) {
            throw bad("[input.resolution_width] and [input.resolution_height] must be even, got "
                    + s.width() + "x" + s.height());
        }
        range("input.video_duration_sec", s.durationSeconds(), 1, 7 * 24 * 3600);
        range("input.test_video_bitrate", s.bitrateKbps(), 50, 100_000);
    }

    private static void transcoding(RecordingTranscoding t) {
        Transcoding.of(t);
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw bad("[" + field + "] must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void name(String field, String value) {
        if (!value.matches("[A-Za-z0-9_.\\-]+") || value.startsWith(".")) {
            throw bad("[" + field + "] may hold letters, digits, '_', '-' and '.', got \"" + value + "\"");
        }
    }

    static String format(String outputFormat) {
        return outputFormat.toLowerCase(Locale.ROOT);
    }

    private static InvalidArgumentException bad(String message) {
        return new InvalidArgumentException(message);
    }
}
