package dev.kiln.api.stream;

import dev.kiln.api.media.StreamKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's registry of live streams, registered as an OSGi service. Sources (ingest
 * plugins, pulls) open input streams here; sinks (recorder, push, codec, publishers) find
 * streams and subscribe to them.
 */
public interface StreamRegistry {

    /**
     * Opens a new input stream.
     *
     * @throws dev.kiln.api.error.NotFoundException when the application does not exist
     * @throws dev.kiln.api.error.ConflictException when a stream of that name is live
     */
    StreamWriter publish(PublishRequest request);

    /** A live input stream (published or pulled) by key. */
    Optional<LiveStream> findInput(StreamKey key);

    /**
     * A live output stream by key. Output streams are named by their profile's
     * outputStreamName, so an output may share its name with its input.
     */
    Optional<LiveStream> findOutput(StreamKey key);

    /** Input streams of an application, in creation order. */
    List<LiveStream> inputs(String vhost, String app);

    /** Output streams of an application (one per output profile and input). */
    List<LiveStream> outputs(String vhost, String app);

    /**
     * Every live output stream, of every application, in creation order. A plugin that serves
     * all output streams (a playback publisher) starts with these when its bundle starts while
     * streams are live, then follows {@link StreamListener} events.
     */
    List<LiveStream> outputs();

    /**
     * The virtual host whose {@code host.names} match the host a client connected to, or
     * {@code default} when none does.
     */
    String resolveVhost(String host);

    /**
     * The settings of one publisher in an application's {@code publishers} (e.g. {@code llhls}),
     * as JSON values (Map, List, String, Double, Boolean); empty when the application does not
     * enable that publisher or does not exist.
     */
    default Optional<Map<String, Object>> publisherSettings(String vhost, String app, String publisher) {
        return Optional.empty();
    }
}
