package dev.kiln.recordingtasks.internal.input;

import dev.kiln.proto.v1.RecordingInput;
import java.util.Map;
import java.util.Optional;

/**
 * A listen input: which protocol listens on which port, and how FFmpeg is told to listen. Also
 * Callaba's documented variant, a {@code *_URL} type with {@code input_stream_listen_port} and no
 * address, which means the same as its {@code *_LISTEN} type.
 *
 * @param protocol  "srt", "rtmp", "rtsp", "udp" or "http"
 * @param port      the port
 * @param udp       UDP (SRT, UDP) rather than TCP
 */
public record Listen(String protocol, int port, boolean udp) {

    /** The listen input {@code in} asks for, if it is one (not validated). */
    public static Optional<Listen> of(RecordingInput in) {
        InputType type = InputType.of(in.getInputType()).orElse(null);
        if (type == null || !in.hasInputStreamListenPort()) {
            return Optional.empty();
        }
        boolean urlGiven = in.hasInputStreamUrl() && !in.getInputStreamUrl().isBlank();
        if (type.kind() != InputType.Kind.LISTEN && (type.kind() != InputType.Kind.URL || urlGiven)) {
            return Optional.empty();
        }
        String protocol = switch (type) {
            case INPUT_TYPE_SRT_LISTEN, INPUT_TYPE_SRT_URL -> "srt";
            case INPUT_TYPE_RTMP_LISTEN, INPUT_TYPE_RTMP_URL -> "rtmp";
            case INPUT_TYPE_RTSP_LISTEN, INPUT_TYPE_RTSP_URL -> "rtsp";
            case INPUT_TYPE_UDP_LISTEN, INPUT_TYPE_UDP_URL -> "udp";
            case INPUT_TYPE_HTTP_LISTEN, INPUT_TYPE_HTTP_URL -> "http";
            default -> null;
        };
        if (protocol == null) {
            return Optional.empty();
        }
        return Optional.of(new Listen(protocol, in.getInputStreamListenPort().getPort(),
                protocol.equals("srt") || protocol.equals("udp")));
    }

    public String transport() {
        return udp ? "UDP" : "TCP";
    }

    /** The address FFmpeg opens to listen on {@code bind}. */
    String url(String bind) {
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        return switch (protocol) {
            case "srt" -> "srt://" + host + ":" + port + "?mode=listener";
            case "rtmp" -> "rtmp://" + host + ":" + port + "/live/stream";
            case "rtsp" -> "rtsp://" + host + ":" + port + "/live";
            case "udp" -> "udp://" + host + ":" + port;
            default -> "http://" + host + ":" + port + "/";
        };
    }

    /** FFmpeg options that make the protocol listen. */
    Map<String, String> options() {
        return switch (protocol) {
            case "rtmp", "http" -> Map.of("listen", "1");
            case "rtsp" -> Map.of("rtsp_flags", "listen");
            default -> Map.of();
        };
    }
}
