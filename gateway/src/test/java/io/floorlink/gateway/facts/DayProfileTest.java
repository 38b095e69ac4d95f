package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DayProfileTest {
    private static long[] latency(long... firstBuckets) {
        long[] out = new long[FactsSchema.LATENCY_BUCKETS];
        System.arraycopy(firstBuckets, 0, out, 0, firstBuckets.length);
        return out;
    }

    @Test
    void everyHourComesBackAsItWasSetInHourOrder() {
        long[] full = new long[FactsSchema.LATENCY_BUCKETS];
        for (int i = 0; i < full.length; i++) {
            full[i] = Long.MAX_VALUE - i;
        }
        byte[] bytes = new DayProfile.Builder()
                .hour(23, 7, 6, 1, 0, 2, -3.5, 99.25, 12.0, full)
                .hour(0, 3600, 3500, 60, 40, 0, null, null, null, latency(0, 0, 0, 0, 0, 3500))
                .hour(9, 0, 0, 0, 0, 0, Double.NaN, Double.NEGATIVE_INFINITY, -0.0, latency())
                .hour(10, -1, Long.MIN_VALUE, 0, 0, 0, 1.0, null, 2.0, latency(5))
                .toBytes();

        DayProfile.Cursor c = new DayProfile.Cursor(bytes);
        List<Integer> hours = new ArrayList<>();
        while (c.next()) {
            hours.add(c.hour());
            c.read();
            switch (c.hour()) {
                case 0 -> {
                    assertThat(List.of(c.samples(), c.good(), c.bad(), c.uncertain(), c.historical()))
                            .containsExactly(3600L, 3500L, 60L, 40L, 0L);
                    assertThat(c.min()).isNull();
                    assertThat(c.max()).isNull();
                    assertThat(c.increase()).isNull();
                    assertThat(c.latency(5)).isEqualTo(3500);
                    assertThat(c.latency(4)).isZero();
                }
                case 9 -> {
                    assertThat(c.min()).isNaN();
                    assertThat(c.max()).isEqualTo(Double.NEGATIVE_INFINITY);
                    assertThat(Double.doubleToRawLongBits(c.increase())).isEqualTo(Double.doubleToRawLongBits(-0.0));
                }
                case 10 -> {
                    assertThat(c.samples()).isEqualTo(-1);
                    assertThat(c.good()).isEqualTo(Long.MIN_VALUE);
                    assertThat(c.min()).isEqualTo(1.0);
                    assertThat(c.max()).isNull();
                    assertThat(c.increase()).isEqualTo(2.0);
                    assertThat(c.latency(0)).isEqualTo(5);
                }
                case 23 -> {
                    assertThat(List.of(c.samples(), c.good(), c.bad(), c.uncertain(), c.historical()))
                            .containsExactly(7L, 6L, 1L, 0L, 2L);
                    assertThat(c.min()).isEqualTo(-3.5);
                    assertThat(c.max()).isEqualTo(99.25);
                    assertThat(c.increase()).isEqualTo(12.0);
                    for (int i = 0; i < full.length; i++) {
                        assertThat(c.latency(i)).isEqualTo(Long.MAX_VALUE - i);
                    }
                }
                default -> throw new AssertionError("hour " + c.hour() + " was never set");
            }
        }
        assertThat(hours).containsExactly(0, 9, 10, 23);
    }

    @Test
    void hoursNotReadAreSkippedByTheirLength() {
        DayProfile.Builder b = new DayProfile.Builder();
        for (int h = 0; h < DayProfile.HOURS; h++) {
            b.hour(h, h, h, 0, 0, 0, (double) h, (double) h, null, latency(h));
        }
        DayProfile.Cursor c = new DayProfile.Cursor(b.toBytes());
        long sum = 0;
        while (c.next()) {
            if (c.hour() >= 8 && c.hour() < 12) {
                sum += c.read().samples();
            }
        }
        assertThat(sum).isEqualTo(8 + 9 + 10 + 11);
    }

    @Test
    void deviceReadsAndStateTimesComeBackPerHour() {
        DayProfile.Cursor reads = new DayProfile.Cursor(new DayProfile.Builder()
                .reads(7, 14_760, 3)
                .reads(2, 0, 1L << 40)
                .toBytes());
        assertThat(reads.next()).isTrue();
        assertThat(reads.hour()).isEqualTo(2);
        assertThat(reads.readReads().readsOk()).isZero();
        assertThat(reads.readsFailed()).isEqualTo(1L << 40);
        assertThat(reads.next()).isTrue();
        assertThat(reads.readReads().readsOk()).isEqualTo(14_760);
        assertThat(reads.next()).isFalse();

        DayProfile.Builder b = new DayProfile.Builder();
        for (int v = 0; v < 200; v++) {
            b.state(5, v * 1.5, 1000L * v);
        }
        b.state(6, -1.0, 3_600_000);
        DayProfile.Cursor states = new DayProfile.Cursor(b.toBytes());
        assertThat(states.next()).isTrue();
        states.readStates();
        assertThat(states.states())
                .as("more values than one length byte counts")
                .isEqualTo(200);
        for (int v = 0; v < 200; v++) {
            assertThat(states.stateValue(v)).isEqualTo(v * 1.5);
            assertThat(states.stateMillis(v)).isEqualTo(1000L * v);
        }
        assertThat(states.next()).isTrue();
        assertThat(states.readStates().states()).isEqualTo(1);
        assertThat(states.stateValue(0)).isEqualTo(-1.0);
        assertThat(states.stateMillis(0)).isEqualTo(3_600_000);
        assertThat(states.next()).isFalse();
    }

    @Test
    void theLongestPointHourTakesATwoByteLength() {
        long[] worst = new long[FactsSchema.LATENCY_BUCKETS];
        java.util.Arrays.fill(worst, Long.MIN_VALUE);
        byte[] bytes = new DayProfile.Builder()
                .hour(
                        5,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE,
                        1.0,
                        2.0,
                        3.0,
                        worst)
                .toBytes();
        assertThat(bytes.length - 6).isEqualTo(DayProfile.MAX_POINT_HOUR_BYTES);
        DayProfile.Cursor c = new DayProfile.Cursor(bytes);
        assertThat(c.next()).isTrue();
        assertThat(c.read().latency(15)).isEqualTo(Long.MIN_VALUE);
        assertThat(c.next()).isFalse();
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> new DayProfile.Cursor(new byte[] {2, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("versions 1 to 4");
        byte[] cut = new DayProfile.Builder()
                .hour(3, 1, 1, 0, 0, 0, null, null, null, latency())
                .toBytes();
        DayProfile.Cursor c = new DayProfile.Cursor(java.util.Arrays.copyOf(cut, cut.length - 1));
        assertThatThrownBy(c::next).hasMessageContaining("cut at hour 3");
        assertThatThrownBy(() -> new DayProfile.Builder().hour(24, 0, 0, 0, 0, 0, null, null, null, latency()))
                .hasMessageContaining("0..23");
    }

    @Test
    void aMonthProfileHoldsADaySlotPerDayOfTheMonth() {
        byte[] bytes = DayProfile.Builder.month()
                .hour(30, 9, 8, 1, 0, 0, 2.0, 3.5, 1.25, latency(0, 4, 5))
                .hour(0, 1, 1, 0, 0, 0, null, null, null, latency())
                .hour(23, 2, 2, 0, 0, 0, -1.0, -1.0, null, latency())
                .toBytes();
        assertThat(bytes[0]).as("month layout version").isEqualTo((byte) DayProfile.MONTH_VERSION);
        DayProfile.Cursor c = new DayProfile.Cursor(bytes);
        List<Integer> slots = new ArrayList<>();
        while (c.next()) {
            slots.add(c.hour());
            if (c.hour() == 30) {
                c.read();
                assertThat(List.of(c.samples(), c.good(), c.bad())).containsExactly(9L, 8L, 1L);
                assertThat(List.of(c.min(), c.max(), c.increase())).containsExactly(2.0, 3.5, 1.25);
                assertThat(c.latency(1)).isEqualTo(4);
                assertThat(c.latency(2)).isEqualTo(5);
            }
        }
        assertThat(slots).as("the 31st of the month is the last slot").containsExactly(0, 23, 30);
        DayProfile.Cursor reads =
                new DayProfile.Cursor(DayProfile.Builder.month().reads(29, 5, 6).toBytes());
        assertThat(reads.next()).isTrue();
        assertThat(reads.hour()).isEqualTo(29);
        assertThat(reads.readReads().readsFailed()).isEqualTo(6);
        assertThatThrownBy(() -> DayProfile.Builder.month().reads(31, 0, 0)).hasMessageContaining("0..30");
    }

    @Test
    void aStateCountLargerThanItsHourIsRefusedBeforeAnythingIsSizedByIt() {
        byte[] good = new DayProfile.Builder().state(4, 1.0, 60_000).toBytes();
        // version, 3-byte bitmap, the hour's length, then the state count: replace 1 by a huge varint
        byte[] corrupt = new byte[good.length + 4];
        System.arraycopy(good, 0, corrupt, 0, 5);
        corrupt[4] = (byte) (good[4] + 4);
        corrupt[5] = (byte) 0xFF;
        corrupt[6] = (byte) 0xFF;
        corrupt[7] = (byte) 0xFF;
        corrupt[8] = (byte) 0xFF;
        corrupt[9] = 0x07;
        System.arraycopy(good, 6, corrupt, 10, good.length - 6);
        DayProfile.Cursor c = new DayProfile.Cursor(corrupt);
        assertThat(c.next()).isTrue();
        assertThatThrownBy(c::readStates).hasMessageContaining("wrong state count");
    }

    @Test
    void aMinuteProfileHoldsRunsOfEqualMinutes() {
        DayProfile.Builder b = DayProfile.Builder.minutes();
        // running 00:00-04:00, a change inside 04:00, idle 04:01-04:30, nothing from 04:30, idle again 23:59
        for (int m = 0; m < 240; m++) {
            b.state(m, 4.0, 60_000);
        }
        b.state(240, 4.0, 20_000).state(240, 2.0, 40_000);
        for (int m = 241; m < 270; m++) {
            b.state(m, 2.0, 60_000);
        }
        b.state(1439, 2.0, 60_000);
        byte[] bytes = b.toBytes();
        assertThat(bytes[0]).as("minute layout version").isEqualTo((byte) DayProfile.MINUTES_VERSION);
        assertThat(bytes.length).as("four runs, not 271 minutes").isLessThan(80);
        DayProfile.Cursor c = new DayProfile.Cursor(bytes);
        List<String> runs = new ArrayList<>();
        while (c.next()) {
            c.readStates();
            StringBuilder run = new StringBuilder(c.hour() + "+" + c.run() + ":");
            for (int i = 0; i < c.states(); i++) {
                run.append(' ').append(c.stateValue(i)).append('=').append(c.stateMillis(i));
            }
            runs.add(run.toString());
        }
        assertThat(runs)
                .containsExactly(
                        "0+240: 4.0=60000", "240+1: 4.0=20000 2.0=40000", "241+29: 2.0=60000", "1439+1: 2.0=60000");
        assertThatThrownBy(() -> DayProfile.Builder.minutes().state(1440, 1.0, 1))
                .hasMessageContaining("0..1439");
        assertThat(new DayProfile.Cursor(DayProfile.Builder.minutes().toBytes()).next())
                .as("a day without state minutes")
                .isFalse();
    }

    @Test
    void aCorruptMinuteProfileIsRefusedBeforeItIndexesOutsideTheDay() {
        // version, gap 1430, run of 20 minutes: past minute 1439
        byte[] pastTheDay = {4, (byte) 0x96, 0x0B, 20, 10, 1, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> new DayProfile.Cursor(pastTheDay).next()).hasMessageContaining("outside the day");
        // a run of 0 minutes
        byte[] empty = {4, 0, 0, 1, 0};
        assertThatThrownBy(() -> new DayProfile.Cursor(empty).next()).hasMessageContaining("outside the day");
        // a payload longer than the bytes left
        byte[] cut = {4, 0, 5, 100, 1};
        assertThatThrownBy(() -> new DayProfile.Cursor(cut).next()).hasMessageContaining("cut at minute 0");
        // a gap whose varint never ends
        byte[] endless = {4, (byte) 0xFF, (byte) 0xFF};
        assertThatThrownBy(() -> new DayProfile.Cursor(endless).next()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DayProfile.Cursor(new byte[] {5, 0, 0, 0, 0, 0, 0, 0, 0}))
                .hasMessageContaining("not a day, month, hour or minute profile");
    }

    @Test
    void anHourProfileHoldsAPointSlotPerMinute() {
        long[] latency = new long[FactsSchema.LATENCY_BUCKETS];
        latency[3] = 60;
        byte[] bytes = DayProfile.Builder.hour()
                .hour(59, 60, 58, 2, 0, 0, 1.5, 9.5, null, latency)
                .hour(0, 30, 30, 0, 0, 0, null, null, 3.0, latency)
                .toBytes();
        assertThat(bytes[0]).as("hour layout version").isEqualTo((byte) DayProfile.HOUR_VERSION);
        DayProfile.Cursor c = new DayProfile.Cursor(bytes);
        List<String> minutes = new ArrayList<>();
        while (c.next()) {
            c.read();
            minutes.add(c.hour() + ":" + c.samples() + "/" + c.good() + "/" + c.bad() + " " + c.min() + ".." + c.max()
                    + " +" + c.increase() + " b3=" + c.latency(3) + " run " + c.run());
        }
        assertThat(minutes)
                .as("minute 59 is bit 59 of the 8-byte bitmap; an hour profile has no runs")
                .containsExactly("0:30/30/0 null..null +3.0 b3=60 run 1", "59:60/58/2 1.5..9.5 +null b3=60 run 1");
        assertThatThrownBy(() -> DayProfile.Builder.hour().reads(60, 1, 0)).hasMessageContaining("0..59");
        assertThatThrownBy(() -> new DayProfile.Cursor(new byte[] {3, 0, 0, 0, 0, 0, 0}))
                .as("an hour profile's bitmap is 8 bytes")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
