package dev.kiln.recordingtasks.internal.transcode;

import dev.kiln.api.codec.Transcoder;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.recordingtasks.internal.input.InputSource;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's input made into the stream it records: while the input stream is live (and the codec
 * plugin is installed), the codec plugin's transcoder reads it and writes {@code <app>/callaba_transcode_<task id>}, an input
 * stream of this bundle's. When the input ends, the transcoder stops and that stream ends too
 * (the recorder finishes its file); when the input comes back, both start again.
 */
final class TranscodedSource implements InputSource {
    static final String SOURCE_TYPE = "CallabaTranscode";
    private static final Logger log = LoggerFactory.getLogger(TranscodedSource.class);

    private final InputSource source;
    private final StreamKey key;
    private final Transcoding transcoding;
    private final StreamRegistry streams;
    private final Supplier<Optional<TranscoderFactory>> factory;
    private final Runnable onClose;
    // Guarded by this.
    private boolean waitLogged;
    private LiveStream input;
    private StreamWriter output;
    private Transcoder transcoder;
    private boolean closed;

    TranscodedSource(InputSource source, StreamKey key, Transcoding transcoding, StreamRegistry streams,
                     Supplier<Optional<TranscoderFactory>> factory, Runnable onClose) {
        this.source = source;
        this.key = key;
        this.transcoding = transcoding;
        this.streams = streams;
        this.factory = factory;
        this.onClose = onClose;
    }

    /** The input stream the transcoder reads. */
    StreamKey inputKey() {
        return source.stream();
    }

    @Override
    public StreamKey stream() {
        return key;
    }

    /** The input stream is live (or its tracks changed): start transcoding it unless already. */
    synchronized void inputLive(LiveStream stream) {
        if (closed || stream == input) {
            return;
        }
        stop();
        Optional<TranscoderFactory> codec = factory.get();
        if (codec.isEmpty()) {
            if (!waitLogged) {
                log.warn("{} is live, and {} waits for the codec plugin (bundle dev.kiln.codec) to transcode it",
                        stream.key(), key);
                waitLogged = true;
            }
            return;
        }
        waitLogged = false;
        try {
            output = streams.publish(new PublishRequest(key, SOURCE_TYPE, source.stream().toString(),
                    this::outputDeleted));
            input = stream;
            transcoder = codec.get().start(stream, transcoding.spec(key.name()), output);
        } catch (RuntimeException | LinkageError e) {
            log.warn("The codec plugin could not transcode {} into {}: {}", stream.key(), key, e.toString());
            stop();
            return;
        }
        log.info("Transcoding {} into {} ({})", stream.key(), key, transcoding.describe());
    }

    /**
     * The codec plugin came or went: stop the transcoder (it may be the gone plugin's) and, when
     * {@code live} is the input, start again with the plugin there now.
     */
    synchronized void restart(Optional<LiveStream> live) {
        if (closed) {
            return;
        }
        stop();
        live.ifPresent(this::inputLive);
    }

    /** The input stream ended: stop transcoding and end the recorded stream. */
    synchronized void inputClosed(LiveStream stream) {
        if (stream == input) {
            stop();
        }
    }

    /** Someone deleted the recorded stream through the API: stop until the input comes back. */
    private synchronized void outputDeleted() {
        stop();
    }

    private void stop() {
        if (transcoder != null) {
            try {
                transcoder.close();
            } catch (RuntimeException e) {
                log.warn("Closing the transcoder of {} failed: {}", key, e.toString());
            }
            transcoder = null;
        }
        if (output != null) {
            output.close();
            output = null;
        }
        input = null;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stop();
        }
        try {
            onClose.run();
        } finally {
            source.close();
        }
    }
}
