package dev.kiln.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoalescingExecutorTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    @Test
    void tasksReadyWithinOneIntervalRunOnOneThreadInOrder() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 50, 4);
        int n = 20;
        CountDownLatch done = new CountDownLatch(n);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int id = i;
            executor.execute(() -> {
                threads.add(Thread.currentThread().getName());
                synchronized (order) {
                    order.append(id).append(',');
                }
                done.countDown();
            });
        }
        assertTrue(done.await(5, TimeUnit.SECONDS), "all tasks ran");
        assertEquals(1, threads.size(), "one batch thread for one interval's tasks: " + threads);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
            expected.append(i).append(',');
        }
        assertEquals(expected.toString(), order.toString());
    }

    @Test
    void aTaskThatNeverReturnsDoesNotHoldUpTheOthers() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 5, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch hung = new CountDownLatch(1);
        executor.execute(() -> {
            hung.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(hung.await(5, TimeUnit.SECONDS));
        CountDownLatch others = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            executor.execute(others::countDown);
        }
        try {
            assertTrue(others.await(5, TimeUnit.SECONDS), "tasks behind a stalled one still ran");
        } finally {
            release.countDown();
        }
    }

    @Test
    void theFirstTaskOfAQuietBusRunsAtOnceAndTheBatchThreadLeavesWhenIdle() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 1000, 1);
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        executor.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis < 500, "a task on a quiet bus waited " + waitedMillis + " ms, not an interval");
        assertEquals(1, executor.runners(), "the batch thread sleeps out the interval, waiting for more");

        CoalescingExecutor quick = new CoalescingExecutor(pool, timer, 2, 1);
        quick.execute(() -> { });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (quick.runners() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, quick.runners(), "the batch thread went back to the pool after 10 empty looks");
    }

    @Test
    void tasksQueuedWhileTheBatchThreadSleepsWaitForItsNextLook() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 300, 4);
        CountDownLatch first = new CountDownLatch(1);
        executor.execute(first::countDown);
        assertTrue(first.await(5, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (executor.sleeping() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, executor.sleeping(), "the batch thread sleeps after its first look");
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch rest = new CountDownLatch(3);
        long queued = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            executor.execute(() -> {
                threads.add(Thread.currentThread().getName());
                rest.countDown();
            });
        }
        assertTrue(rest.await(5, TimeUnit.SECONDS));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queued);
        assertTrue(waitedMillis >= 100, "tasks ran " + waitedMillis + " ms after being queued: nothing woke the thread");
        assertEquals(1, threads.size(), "one batch thread: " + threads);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheBatch() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 5, 1);
        CountDownLatch after = new CountDownLatch(1);
        executor.execute(() -> {
            throw new IllegalStateException("sink bug");
        });
        executor.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
    }

    @Test
    void shutdownRunsWhatIsStillWaiting() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 1000, 1);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            executor.execute(ran::incrementAndGet);
        }
        executor.shutdown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(5, ran.get(), "the waiting tasks ran before the pool stopped, without waiting for the tick");
    }

    @Test
    void tasksKeepFlowingUnderSteadyLoad() throws Exception {
        CoalescingExecutor executor = new CoalescingExecutor(pool, timer, 2, 2);
        int n = 5000;
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            executor.execute(done::countDown);
            if (i % 100 == 0) {
                Thread.onSpinWait();
            }
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "left: " + done.getCount());
    }
}
