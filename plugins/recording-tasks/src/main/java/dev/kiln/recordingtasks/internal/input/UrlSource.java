package dev.kiln.recordingtasks.internal.input;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.mpegts.TsPublisher;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input read by libavformat (through JavaCV) from an address, or from a port it listens on,
 * and published as an input stream: packets are remuxed, not decoded, into MPEG-TS in memory and
 * published by the shared MPEG-TS demuxer (H.264, H.265 and AAC come through). The address goes
 * to FFmpeg as given, so its query options reach the protocol (e.g. {@code srt://…?latency=…},
 * {@code udp://…?fifo_size=…}). When the input ends or fails the stream ends (the recording
 * finishes its file) and the source connects again, after 1 s and up to 10 s between tries,
 * until it is closed. A listen input waits for its sender in windows of {@value #TIMEOUT_MS} ms,
 * opened again {@value #LISTEN_GAP_MS} ms apart.
 */
final class UrlSource implements InputSource {
    private static final Logger log = LoggerFactory.getLogger(UrlSource.class);
    /** Longest a read or connect may block, also the longest {@link #close()} waits for it. */
    static final int TIMEOUT_MS = 5_000;
    private static final long MAX_BACKOFF_MS = 10_000;
    private static final long LISTEN_GAP_MS = 50;
    private static final long CLOSE_WAIT_MS = 1_000;
    /** Source types in stream info: an address pulled, or a port listened on. */
    static final String URL_TYPE = "CallabaUrl";
    static final String LISTEN_TYPE = "CallabaListen";

    private final StreamRegistry streams;
    private final StreamKey key;
    private final String url;
    private final Map<String, String> options;
    private final String sourceType;
    private final boolean listening;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object sleeper = new Object();
    private volatile boolean stopping;
    private Thread thread;

    private UrlSource(StreamRegistry streams, StreamKey key, String url, Map<String, String> options,
                      String sourceType) {
        this.streams = streams;
        this.key = key;
        this.url = url;
        this.options = options;
        this.sourceType = sourceType;
        this.listening = sourceType.equals(LISTEN_TYPE);
    }

    /**
     * Starts reading {@code url} (FFmpeg {@code options} beside the URL's own) into {@code key}.
     * {@code sourceType} is {@link #URL_TYPE} or {@link #LISTEN_TYPE} (waits for a sender).
     */
    static UrlSource start(StreamRegistry streams, StreamKey key, String url, Map<String, String> options,
                           String sourceType) {
        UrlSource s = new UrlSource(streams, key, url, options, sourceType);
        s.thread = new Thread(s::run, "url-input-" + key.name());
        s.thread.setDaemon(true);
        s.thread.start();
        return s;
    }

    @Override
    public StreamKey stream() {
        return key;
    }

    @Override
    public void close() {
        stopping = true;
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                // A read blocked in FFmpeg ends within TIMEOUT_MS; the thread then ends the stream itself.
                if (!finished.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    log.info("Input {} for {} stops after its current read", url, key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long backoff = 1_000;
        try {
            while (!stopping) {
                boolean delivered = pull();
                if (stopping) {
                    break;
                }
                // A listener waits for its sender in windows of TIMEOUT_MS, back to back.
                backoff = listening ? LISTEN_GAP_MS : delivered ? 1_000 : Math.min(backoff * 2, MAX_BACKOFF_MS);
                synchronized (sleeper) {
                    sleeper.wait(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /** One connection: true when packets came through before it ended. */
    private boolean pull() {
        TsPublisher publisher = new TsPublisher(streams, new PublishRequest(key, sourceType, url, () -> { }));
        boolean delivered = false;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url)) {
            grabber.setTimeout(TIMEOUT_MS);
            grabber.setOption("rw_timeout", Long.toString(TIMEOUT_MS * 1000L));
            grabber.setOptions(options);
            grabber.start();
            // Remuxed as they are: the input's codec tags (avc1, FLV's ids) mean nothing to MPEG-TS.
            for (int i = 0; i < grabber.getFormatContext().nb_streams(); i++) {
                grabber.getFormatContext().streams(i).codecpar().codec_tag(0);
            }
            // JavaCV copies the input's video and audio streams only when it is given their sizes.
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(new TsFeed(publisher),
                    grabber.getImageWidth(), grabber.getImageHeight(), grabber.getAudioChannels())) {
                recorder.setFormat("mpegts");
                recorder.start(grabber.getFormatContext());
                log.info("Input {} connected for {}", url, key);
                AVPacket packet;
                while (!stopping && (packet = grabber.grabPacket()) != null) {
                    recorder.recordPacket(packet);
                    delivered = true;
                }
                recorder.stop();
            }
        } catch (Exception e) {
            if (!stopping) {
                log.warn("Input {} for {}: {}", url, key, e.getMessage());
            }
        } finally {
            publisher.close();
        }
        if (!stopping) {
            log.info("Input {} for {} ended; connecting again", url, key);
        }
        return delivered;
    }
}
