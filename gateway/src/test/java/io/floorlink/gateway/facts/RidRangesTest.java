package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RidRangesTest {
    @Test
    void adjacentIdsMergeAndHolesStayOpen() {
        RidRanges r = new RidRanges("e");
        for (long id : new long[] {5, 1, 3, 2, 7}) {
            r.add(id);
        }
        assertThat(r.ranges()).containsExactly(new long[] {1, 3}, new long[] {5, 5}, new long[] {7, 7});
        assertThat(r.contains(4)).isFalse();
        assertThat(r.contains(6)).isFalse();
        r.add(6);
        r.add(4);
        assertThat(r.ranges()).containsExactly(new long[] {1, 7});
        assertThat(r.contains(0)).isFalse();
        assertThat(r.contains(8)).isFalse();
    }

    @Test
    void onlyNewIdsMakeItDirty() {
        RidRanges r = new RidRanges("e");
        r.add(1);
        assertThat(r.takeSnapshotIfDirty()).containsExactly(new long[] {1, 1});
        r.add(1);
        assertThat(r.takeSnapshotIfDirty()).isNull();
    }

    @Test
    void beyondTheBoundTheLowestHoleIsFilled() {
        RidRanges r = new RidRanges("e");
        for (long id = 0; id <= 2L * RidRanges.MAX_RANGES; id += 2) {
            r.add(id);
        }
        assertThat(r.size()).isEqualTo(RidRanges.MAX_RANGES);
        assertThat(r.contains(1)).as("lowest hole filled").isTrue();
        assertThat(r.contains(2L * RidRanges.MAX_RANGES - 1))
                .as("recent holes kept")
                .isFalse();
    }

    @Test
    void loadedRangesMergeWithOverlaps() {
        RidRanges r = new RidRanges("e");
        r.addRange(10, 20);
        r.addRange(21, 30);
        r.addRange(1, 5);
        assertThat(r.ranges()).containsExactly(new long[] {1, 5}, new long[] {10, 30});
        assertThat(r.isDirty()).isFalse();
    }
}
