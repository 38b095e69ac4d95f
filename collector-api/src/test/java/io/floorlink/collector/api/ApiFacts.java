package io.floorlink.collector.api;

import io.floorlink.collector.indicators.FactsFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Facts of the sample inventory ({@code src/test/resources/inventory.yaml}, enterprise ENT001) the API tests share. */
final class ApiFacts {
    private ApiFacts() {}

    /**
     * IMM-01 through edge-02 connected 54 of the 60 minutes from {@code t0} (a whole UTC hour), every point sampled,
     * every expected read (3 points at 1 s, 1 s and 10 s: 126 reads a minute): networked, online ratio 0.9.
     */
    static void imm01ConnectedFiftyFourMinutes(DataSource ds, Instant t0) {
        moldingMachineConnectedFiftyFourMinutes(ds, "IMM-01", t0);
    }

    /** The same for any molding machine of the sample's kind (points production_status, shot_count, energy_kwh). */
    static void moldingMachineConnectedFiftyFourMinutes(DataSource ds, String device, Instant t0) {
        FactsFixture facts = FactsFixture.migrated(ds);
        facts.session("edge-02", device, t0.plus(Duration.ofMinutes(6)), t0.plus(Duration.ofHours(1)), false);
        Map<Instant, long[]> reads = new LinkedHashMap<>();
        for (int m = 0; m < 60; m++) {
            reads.put(t0.plus(Duration.ofMinutes(m)), new long[] {126, 0});
        }
        facts.devices(Map.of(device, reads));
        for (String point : List.of("production_status", "shot_count", "energy_kwh")) {
            facts.points(List.of(new FactsFixture.PointRow(
                    device, point, t0.plus(Duration.ofMinutes(30)), 5, 5, 0, 0, 0, null, null, null, new long[16])));
        }
    }
}
