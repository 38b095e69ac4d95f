package io.floorlink.edge.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StrandTest {
    private final ScheduledExecutorService pool = Executors.newScheduledThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aStrandRunsItsTasksOneAtATimeInOrderWhileStrandsShareTheThreads() throws Exception {
        int strands = 200;
        int tasks = 500;
        List<List<Integer>> seen = new ArrayList<>();
        AtomicInteger overlaps = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(strands * tasks);
        for (int s = 0; s < strands; s++) {
            Strand strand = Strand.on(pool);
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            seen.add(order);
            AtomicInteger running = new AtomicInteger();
            for (int i = 0; i < tasks; i++) {
                int n = i;
                strand.execute(() -> {
                    if (running.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    threads.add(Thread.currentThread().getName());
                    order.add(n);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps).as("tasks of one strand running at the same time").hasValue(0);
        for (List<Integer> order : seen) {
            assertThat(order).hasSize(tasks).isSorted();
        }
        assertThat(threads).as("threads used by %d strands", strands).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void aFailingTaskDoesNotStopTheStrand() throws Exception {
        Strand strand = Strand.on(pool);
        strand.execute(() -> {
            throw new IllegalStateException("device quirk");
        });
        assertThat(strand.submit(() -> "next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
    }

    @Test
    void aShutDownStrandRefusesTasksAndDropsItsScheduledOnes() throws Exception {
        Strand strand = Strand.on(pool);
        AtomicInteger ran = new AtomicInteger();
        strand.schedule(ran::incrementAndGet, 100, TimeUnit.MILLISECONDS);
        strand.shutdown();
        assertThatThrownBy(() -> strand.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        Thread.sleep(300);
        assertThat(ran).hasValue(0);
    }

    @Test
    void ticksDueWhileTheStrandIsBusyAreDroppedNotQueued() throws Exception {
        Strand strand = Strand.on(pool);
        CountDownLatch release = new CountDownLatch(1);
        strand.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        ScheduledFuture<?> f = strand.scheduleAtFixedRate(
                ticks::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS, dropped::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> dropped.get() >= 20);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 1);
        f.cancel(false);
        // the one tick waiting ran; the twenty and more due behind the busy strand were never queued
        assertThat(ticks.get()).isLessThan(dropped.get());
    }
}
