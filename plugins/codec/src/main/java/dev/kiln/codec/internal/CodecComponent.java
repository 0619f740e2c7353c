package dev.kiln.codec.internal;

import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.codec.Transcoder;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.codec.internal.session.TranscodeSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The codec plugin's service: each output stream that needs transcoding gets a
 * {@link TranscodeSession}; all sessions share one fixed pool of worker threads, one per core.
 */
@Component(service = TranscoderFactory.class, immediate = true)
public final class CodecComponent implements TranscoderFactory {
    private static final Logger log = LoggerFactory.getLogger(CodecComponent.class);

    private final ExecutorService pool;
    private final Set<TranscodeSession> sessions = ConcurrentHashMap.newKeySet();

    @Activate
    public CodecComponent() {
        this(Runtime.getRuntime().availableProcessors());
    }

    CodecComponent(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "kiln-codec-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // The task queue holds at most one task per session (a session schedules itself once).
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        log.info("Codec plugin ready: {} transcoding thread(s)", threads);
    }

    @Override
    public Transcoder start(LiveStream input, OutputSpec spec, StreamWriter output) {
        TranscodeSession[] self = new TranscodeSession[1];
        self[0] = new TranscodeSession(input, spec, output, pool, () -> sessions.remove(self[0]));
        sessions.add(self[0]);
        return self[0].start();
    }

    @Deactivate
    void stop() {
        for (TranscodeSession s : List.copyOf(sessions)) {
            s.close();
        }
        pool.shutdown();
    }
}
