package dev.kiln.recordingtasks.internal.transcode;

import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.recordingtasks.internal.input.InputSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The transcoded inputs of running tasks, through the codec plugin's {@link TranscoderFactory}
 * (an optional service: without it a task that transcodes cannot start through the API, and a
 * restored one waits for it). The bundle's stream
 * listener hands every input stream's events here.
 */
public final class Transcodes {
    static final String STREAM_PREFIX = "callaba_transcode_";

    private final StreamRegistry streams;
    private final Supplier<Optional<TranscoderFactory>> factory;
    private final List<TranscodedSource> running = new CopyOnWriteArrayList<>();

    public Transcodes(StreamRegistry streams, Supplier<Optional<TranscoderFactory>> factory) {
        this.streams = streams;
        this.factory = factory;
    }

    /**
     * What task {@code taskId} records: {@code source} itself when nothing is transcoded, otherwise
     * {@code <app>/callaba_transcode_<task id>}, made from it by the codec plugin while it is live.
     *
     * @param waitForCodec a task restored at start-up waits for the codec plugin (bundles start in
     *                     any order); a task started through the API needs it now
     * @throws NotImplementedException when the codec plugin is not installed and not waited for
     */
    public InputSource wrap(String taskId, InputSource source, Transcoding transcoding, boolean waitForCodec) {
        if (transcoding.remux()) {
            return source;
        }
        if (!waitForCodec && factory.get().isEmpty()) {
            throw new NotImplementedException("[transcoding] " + transcoding.describe() + " needs the codec plugin "
                    + "(bundle dev.kiln.codec), which is not installed; use \"" + Transcoding.DISABLED
                    + "\" to record as received");
        }
        StreamKey in = source.stream();
        StreamKey out = new StreamKey(in.vhost(), in.app(), STREAM_PREFIX + taskId);
        TranscodedSource[] self = new TranscodedSource[1];
        self[0] = new TranscodedSource(source, out, transcoding, streams, factory, () -> running.remove(self[0]));
        running.add(self[0]);
        streams.findInput(in).ifPresent(self[0]::inputLive);
        return self[0];
    }

    /** The codec plugin came or went: every transcoded input starts again with what is there now. */
    public void codecChanged() {
        for (TranscodedSource s : running) {
            s.restart(streams.findInput(s.inputKey()));
        }
    }

    /** An input stream appeared or declared its tracks. */
    public void inputLive(LiveStream stream) {
        if (!stream.isInput()) {
            return;
        }
        for (TranscodedSource s : running) {
            if (s.inputKey().equals(stream.key())) {
                s.inputLive(stream);
            }
        }
    }

    /** An input stream ended. */
    public void inputClosed(LiveStream stream) {
        for (TranscodedSource s : running) {
            if (s.inputKey().equals(stream.key())) {
                s.inputClosed(stream);
            }
        }
    }
}
