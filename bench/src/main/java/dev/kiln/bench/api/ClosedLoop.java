package dev.kiln.bench.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load: N clients, each sending its next request as soon as the previous one
 * answered. Latency is the time from send to complete answer, recorded in an HdrHistogram.
 *
 * <p>The warm-up lasts at least its minimum and then until the throughput is steady
 * ({@value #STEADY_SECONDS} one-second rates in a row within a factor {@value #STEADY_SPREAD} of
 * each other), but no longer than its maximum: on a small machine the JIT needs a while, and a
 * fixed short warm-up would measure the compiler.
 * Warm-up answers are discarded; only those that complete inside the measured window count.
 */
final class ClosedLoop {
    /** One asynchronous request; completes with true on the expected answer. */
    interface Call {
        CompletableFuture<Boolean> send();
    }

    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Stop early when a case fails this often: the numbers would mean nothing. */
    private static final long MAX_ERRORS = 1000;
    private static final double STEADY_SPREAD = 1.10;
    private static final int STEADY_SECONDS = 5;

    private final Call call;
    private final int concurrency;
    private final Executor retryExecutor;
    private final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final CountDownLatch tooManyErrors = new CountDownLatch(1);
    private volatile boolean running;
    private CountDownLatch drained;

    ClosedLoop(Call call, int concurrency, Executor retryExecutor) {
        this.call = call;
        this.concurrency = concurrency;
        this.retryExecutor = retryExecutor;
    }

    /**
     * Warms up (between {@code minWarmup} and {@code maxWarmup}; none when the minimum is zero),
     * measures for {@code duration}, then waits for in-flight requests to finish.
     * {@code server}, when known, is the process whose CPU time the window is charged with.
     */
    Measurement run(String name, String protocol, Duration minWarmup, Duration maxWarmup, Duration duration,
                    Optional<ProcessHandle> server) throws InterruptedException {
        running = true;
        drained = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            next();
        }
        Duration warmup = minWarmup.isZero() ? Duration.ZERO : warmUp(minWarmup, maxWarmup);
        recorder.getIntervalHistogram(); // drop the warm-up
        errors.set(0);
        long cpuStart = cpuNanos(server);
        long clientCpuStart = cpuNanos(Optional.of(ProcessHandle.current()));
        long start = System.nanoTime();
        awaitWindow(duration);
        Histogram window = recorder.getIntervalHistogram();
        long elapsed = System.nanoTime() - start;
        long cpuEnd = cpuNanos(server);
        long clientCpu = cpuNanos(Optional.of(ProcessHandle.current())) - clientCpuStart;
        long serverCpu = cpuStart >= 0 && cpuEnd >= 0 ? cpuEnd - cpuStart : -1;
        long windowErrors = errors.get();
        running = false;
        if (!drained.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": requests still in flight 30 s after the end");
        }
        if (tooManyErrors.getCount() == 0) {
            throw new IllegalStateException(name + ": stopped after " + MAX_ERRORS + " failed requests",
                    firstError.get());
        }
        return Measurement.of(name, protocol, window, windowErrors, elapsed, serverCpu, clientCpu, warmup);
    }

    /** Runs the load until it is steady (see the class comment); returns how long that took. */
    private Duration warmUp(Duration min, Duration max) throws InterruptedException {
        long start = System.nanoTime();
        Deque<Double> rates = new ArrayDeque<>();
        long lastCount = answered.get();
        long lastTime = start;
        while (tooManyErrors.getCount() > 0) {
            awaitWindow(Duration.ofSeconds(1));
            long now = System.nanoTime();
            long count = answered.get();
            rates.addLast((count - lastCount) / ((now - lastTime) / 1e9));
            if (rates.size() > STEADY_SECONDS) {
                rates.removeFirst();
            }
            lastCount = count;
            lastTime = now;
            long elapsed = now - start;
            if (elapsed >= max.toNanos() || elapsed >= min.toNanos() && isSteady(rates)) {
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static boolean isSteady(Deque<Double> rates) {
        if (rates.size() < STEADY_SECONDS) {
            return false;
        }
        double low = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double high = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return low > 0 && high / low <= STEADY_SPREAD;
    }

    /** CPU time (user + system) the process has used so far, or -1 when unknown. */
    private static long cpuNanos(Optional<ProcessHandle> process) {
        return process.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** Lets the load run for {@code window}, ending early only when requests keep failing. */
    private void awaitWindow(Duration window) throws InterruptedException {
        tooManyErrors.await(window.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void next() {
        if (!running || tooManyErrors.getCount() == 0) {
            drained.countDown();
            return;
        }
        long sent = System.nanoTime();
        CompletableFuture<Boolean> answer;
        try {
            answer = call.send();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((ok, failure) -> {
            if (failure == null && Boolean.TRUE.equals(ok)) {
                recorder.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_NANOS));
                answered.incrementAndGet();
                next();
            } else {
                failed(failure != null ? failure : new IllegalStateException("unexpected answer"));
                // A failure may complete on the sending thread: continue elsewhere, not recursively.
                retryExecutor.execute(this::next);
            }
        });
    }

    private void failed(Throwable failure) {
        firstError.compareAndSet(null, failure);
        if (errors.incrementAndGet() >= MAX_ERRORS) {
            tooManyErrors.countDown();
        }
    }
}
