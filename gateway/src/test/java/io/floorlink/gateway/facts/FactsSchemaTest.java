package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactsSchemaTest {

    @Test
    void latencyBucketsFollowTheBoundsDocumentedInV1() throws Exception {
        assertThat(FactsSchema.latencyBucket(-5000)).isEqualTo(0);
        assertThat(FactsSchema.latencyBucket(-2000)).isEqualTo(0);
        assertThat(FactsSchema.latencyBucket(-1999)).isEqualTo(1);
        assertThat(FactsSchema.latencyBucket(0)).isEqualTo(1);
        assertThat(FactsSchema.latencyBucket(1)).isEqualTo(2);
        assertThat(FactsSchema.latencyBucket(50)).isEqualTo(4);
        assertThat(FactsSchema.latencyBucket(300_000)).isEqualTo(14);
        assertThat(FactsSchema.latencyBucket(300_001)).isEqualTo(15);

        // the bounds the migration's comment documents (lat_b03 <= 25, ..., lat_b15 > 300000) are the ones used
        String v1 = migration("V1__facts.sql");
        Matcher bound = Pattern.compile("(lat_b\\d\\d) <= (-?\\d+)").matcher(v1);
        int documented = 0;
        while (bound.find()) {
            int i = Integer.parseInt(bound.group(1).substring(5));
            assertThat(FactsSchema.latencyColumn(i)).isEqualTo(bound.group(1));
            assertThat(FactsSchema.latencyUpperMs(i)).isEqualTo(Double.parseDouble(bound.group(2)));
            documented++;
        }
        assertThat(documented).isEqualTo(FactsSchema.LATENCY_BUCKETS - 1);
        assertThat(v1).contains(FactsSchema.latencyColumn(FactsSchema.LATENCY_BUCKETS - 1) + " > 300000");
        assertThat(FactsSchema.latencyUpperMs(FactsSchema.LATENCY_BUCKETS - 1)).isInfinite();
    }

    @Test
    void everyRollupTableOfTheMigratedStoreHasEveryLatencyColumnAndNoOther(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("facts") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (FactsStore store = FactsStore.open(url, "sa", null);
                Connection c = store.dataSource().getConnection()) {
            for (String table : List.of("point_minute", "point_hour", "point_day")) {
                List<String> latency = new ArrayList<>();
                try (ResultSet rs = c.getMetaData().getColumns(null, null, table, "lat_b%")) {
                    while (rs.next()) {
                        latency.add(rs.getString("COLUMN_NAME"));
                    }
                }
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
                    expected.add(FactsSchema.latencyColumn(i));
                }
                assertThat(latency).as(table).containsExactlyInAnyOrderElementsOf(expected);
            }
        }
        assertThatThrownBy(() -> FactsSchema.latencyColumn(FactsSchema.LATENCY_BUCKETS))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static String migration(String name) throws Exception {
        String path = FactsSchema.MIGRATIONS.substring("classpath:".length()) + "/" + name;
        try (InputStream in = FactsSchema.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
