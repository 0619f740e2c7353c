package dev.kiln.recordingtasks.internal.input;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.mpegts.TsPublisher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generated test stream published as an input stream: libavfilter's {@code testsrc2} picture
 * and a {@code sine} tone (read through libavformat's lavfi input), encoded with libx264 and AAC
 * at real-time pace into MPEG-TS in memory, which the shared MPEG-TS demuxer publishes on the
 * bus. It runs on its own thread for the configured duration, then ends the stream.
 */
final class TestVideoSource implements InputSource {
    private static final Logger log = LoggerFactory.getLogger(TestVideoSource.class);
    private static final int SAMPLE_RATE = 48_000;
    private static final int AUDIO_BITRATE = 128_000;

    private final StreamRegistry streams;
    private final StreamKey key;
    private final TestVideoSettings settings;
    private final CountDownLatch finished = new CountDownLatch(1);
    private TsPublisher publisher;
    private FFmpegFrameGrabber grabber;
    private FFmpegFrameRecorder recorder;
    private volatile boolean stopping;
    private Thread thread;

    private TestVideoSource(StreamRegistry streams, StreamKey key, TestVideoSettings settings) {
        this.streams = streams;
        this.key = key;
        this.settings = settings;
    }

    /**
     * Opens the input stream and starts generating into it.
     *
     * @throws dev.kiln.api.error.NotFoundException when the application does not exist
     * @throws dev.kiln.api.error.ConflictException when a stream of that name is live
     */
    static TestVideoSource start(StreamRegistry streams, StreamKey key, TestVideoSettings settings) {
        TestVideoSource s = new TestVideoSource(streams, key, settings);
        s.publisher = new TsPublisher(streams, new PublishRequest(key, "TestVideo", "lavfi", () -> s.stopping = true));
        s.publisher.publish();
        try {
            s.open();
        } catch (Exception e) {
            s.release();
            throw new IllegalStateException("The test video cannot start: " + e.getMessage(), e);
        }
        s.thread = new Thread(s::run, "test-video-" + key.name());
        s.thread.setDaemon(true);
        s.thread.start();
        return s;
    }

    @Override
    public StreamKey stream() {
        return key;
    }

    /** Stops generating and ends the stream; waits (up to 2 s) for the encoder to finish. */
    @Override
    public void close() {
        stopping = true;
        if (Thread.currentThread() != thread) {
            try {
                if (!finished.await(2, TimeUnit.SECONDS)) {
                    log.warn("Test video {} did not stop within 2 s", key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The lavfi graph: picture on out0, tone on out1, both ending after the duration. */
    String graph() {
        TestVideoSettings s = settings;
        return "testsrc2=size=" + s.width() + "x" + s.height() + ":rate=" + s.frameRate() + ":duration="
                + s.durationSeconds() + "[out0];sine=frequency=" + s.soundHz() + ":sample_rate=" + SAMPLE_RATE
                + ":duration=" + s.durationSeconds() + "[out1]";
    }

    /** Opens the lavfi input and the encoders (a second or so at 1080p); the bytes go to the publisher. */
    private void open() throws Exception {
        grabber = new FFmpegFrameGrabber(graph());
        grabber.setFormat("lavfi");
        grabber.setPixelFormat(AV_PIX_FMT_YUV420P);
        grabber.start();
        recorder = new FFmpegFrameRecorder(new TsFeed(publisher), settings.width(), settings.height(), 1);
        recorder.setFormat("mpegts");
        recorder.setVideoCodecName("libx264");
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(settings.frameRate());
        recorder.setGopSize(settings.frameRate() * 2);
        recorder.setVideoBitrate(settings.bitrateKbps() * 1000);
        recorder.setVideoOption("preset", "ultrafast");
        recorder.setVideoOption("tune", "zerolatency");
        recorder.setAudioCodecName("aac");
        recorder.setSampleRate(SAMPLE_RATE);
        recorder.setAudioChannels(1);
        recorder.setAudioBitrate(AUDIO_BITRATE);
        recorder.setOption("mpegts_flags", "resend_headers");
        recorder.start();
    }

    private void run() {
        try {
            log.info("Test video {}: {}x{} at {} fps, {} kbit/s, {} Hz for {} s", key, settings.width(),
                    settings.height(), settings.frameRate(), settings.bitrateKbps(), settings.soundHz(),
                    settings.durationSeconds());
            long start = System.nanoTime();
            Frame frame;
            while (!stopping && (frame = grabber.grab()) != null) {
                pace(start, frame.timestamp);
                if (frame.image != null) {
                    recorder.record(frame, AV_PIX_FMT_YUV420P);
                } else if (frame.samples != null) {
                    recorder.record(frame);
                }
            }
            recorder.stop();
        } catch (Exception e) {
            if (!stopping) {
                log.error("Test video {} failed: {}", key, e.toString());
            }
        } finally {
            release();
            finished.countDown();
            log.info("Test video {} ended", key);
        }
    }

    private void release() {
        for (AutoCloseable c : new AutoCloseable[] {recorder, grabber}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("Test video {}: releasing FFmpeg failed: {}", key, e.toString());
                }
            }
        }
        publisher.close();
    }

    /** Waits until {@code micros} of media have passed since {@code start}: real-time pace. */
    private void pace(long start, long micros) throws InterruptedException {
        long due = start + micros * 1000;
        long wait;
        while (!stopping && (wait = due - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
        }
    }
}
