package io.floorlink.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SewingStationTest {

    private static final Duration TICK = Duration.ofMillis(200);
    private static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

    @Test
    void anHourOfSewingFollowsTheMachineRules() {
        SewingStation station = new SewingStation("SEW-01", new SplittableRandom(1), START);
        StationSnapshot before = station.snapshot();
        int sewingTicks = 0;
        int faults = 0;
        for (int i = 1; i <= 18_000; i++) {
            station.tick(TICK, START.plus(TICK.multipliedBy(i)));
            StationSnapshot after = station.snapshot();

            assertThat(after.stitchCount()).isGreaterThanOrEqualTo(before.stitchCount());
            if (after.stitchCount() > before.stitchCount()) {
                // stitches only come from a tick spent sewing (a seam may end on that tick)
                assertThat(before.runState() == StationSnapshot.RUN_STATE_SEWING
                                || after.runState() == StationSnapshot.RUN_STATE_SEWING)
                        .isTrue();
            }
            if (after.runState() == StationSnapshot.RUN_STATE_SEWING) {
                sewingTicks++;
                assertThat(after.motorSpeed()).isBetween(3000.0, 5000.0);
            } else {
                assertThat(after.motorSpeed()).isZero();
            }
            if (after.runState() == StationSnapshot.RUN_STATE_FAULT) {
                assertThat(after.faultCode()).isIn(101, 102, 201, 301);
                if (before.runState() != StationSnapshot.RUN_STATE_FAULT) {
                    faults++;
                }
            } else {
                assertThat(after.faultCode()).isZero();
            }
            assertThat(after.trimCount() - before.trimCount()).isBetween(0L, 1L);
            assertThat(after.pieces()).isEqualTo(after.trimCount() / StationSnapshot.TRIMS_PER_PIECE);
            assertThat(after.time()).isEqualTo(START.plus(TICK.multipliedBy(i)));
            before = after;
        }
        // about 5 s seams at 3000..5000 rpm alternating with about 3 s idle: a busy but plausible hour
        assertThat(sewingTicks).isBetween(18_000 / 4, 18_000 * 9 / 10);
        assertThat(before.stitchCount()).isBetween(50_000L, 3600L * 5000 / 60);
        assertThat(before.trimCount()).isBetween(200L, 1000L);
        assertThat(faults).isBetween(2, 60);
    }

    @Test
    void poweredOffStationIsOffAndFrozenThenComesBackIdleWithItsCounters() {
        SewingStation station = new SewingStation("SEW-02", new SplittableRandom(3), START);
        Instant now = START;
        while (station.snapshot().runState() != StationSnapshot.RUN_STATE_SEWING) {
            now = now.plus(TICK);
            station.tick(TICK, now);
        }
        station.setPowered(false, now);
        StationSnapshot off = station.snapshot();
        assertThat(off.powered()).isFalse();
        assertThat(off.runState()).isEqualTo(StationSnapshot.RUN_STATE_OFF);
        assertThat(off.motorSpeed()).isZero();

        for (int i = 0; i < 100; i++) {
            station.tick(TICK, now.plus(TICK.multipliedBy(i + 1)));
        }
        assertThat(station.snapshot()).isEqualTo(off);

        Instant on = now.plusSeconds(60);
        station.setPowered(true, on);
        StationSnapshot back = station.snapshot();
        assertThat(back.powered()).isTrue();
        assertThat(back.runState()).isEqualTo(StationSnapshot.RUN_STATE_IDLE);
        assertThat(back.stitchCount()).isEqualTo(off.stitchCount());
        assertThat(back.time()).isEqualTo(on);
    }

    @Test
    void sameSeedGivesTheSameLine() {
        assertThat(run(7)).isEqualTo(run(7)).isNotEqualTo(run(8));
    }

    private static List<StationSnapshot> run(long seed) {
        SewingStation station = new SewingStation("SEW-01", new SplittableRandom(seed), START);
        List<StationSnapshot> states = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            station.tick(TICK, START.plus(TICK.multipliedBy(i)));
            states.add(station.snapshot());
        }
        return states;
    }

    @Test
    void everyRunStateIsVisited() {
        SewingStation station = new SewingStation("SEW-01", new SplittableRandom(11), START);
        Set<Integer> seen = new HashSet<>();
        for (int i = 1; i <= 18_000; i++) {
            station.tick(TICK, START.plus(TICK.multipliedBy(i)));
            seen.add(station.snapshot().runState());
        }
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        StationSnapshot.RUN_STATE_IDLE,
                        StationSnapshot.RUN_STATE_SEWING,
                        StationSnapshot.RUN_STATE_FAULT);
    }
}
