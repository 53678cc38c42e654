package io.salespipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TTL a row is written with, counted from its event time. */
class ViewRetentionTest {

    private static final long NOW = 1_764_806_400_000L;
    private static final long DAY = 86_400_000L;
    private static final Duration NINETY_DAYS = Duration.ofDays(90);

    @Test
    void anEventRowLivesUntilItsEventTimePlusTheRetention() {
        long tenDaysAgo = NOW - 10 * DAY;
        assertThat(ViewRetention.ttlSeconds(tenDaysAgo, NINETY_DAYS, NOW)).isEqualTo(80 * 86_400);
        assertThat(ViewRetention.ttlSeconds(NOW, NINETY_DAYS, NOW)).isEqualTo(90 * 86_400);
    }

    @Test
    void aWindowRowCountsFromTheWindowsEndWhichTheCallerPasses() {
        long windowEnd = NOW - 3_600_000L;
        assertThat(ViewRetention.ttlSeconds(windowEnd, Duration.ofHours(2), NOW))
                .isEqualTo(3_600);
    }

    @Test
    void aRowWhoseRetentionHasPassedIsExpiredAndOneWithLessThanASecondLeftLivesOneSecond() {
        assertThat(ViewRetention.ttlSeconds(NOW - 100 * DAY, NINETY_DAYS, NOW)).isEqualTo(ViewRetention.EXPIRED);
        assertThat(ViewRetention.ttlSeconds(NOW - 90 * DAY, NINETY_DAYS, NOW))
                .as("exactly at its end")
                .isEqualTo(ViewRetention.EXPIRED);
        assertThat(ViewRetention.ttlSeconds(NOW - 90 * DAY + 1, NINETY_DAYS, NOW))
                .as("rounded up, never 0, which Cassandra reads as no TTL")
                .isEqualTo(1);
        assertThat(ViewRetention.ttlSeconds(NOW - 90 * DAY + 1_001, NINETY_DAYS, NOW))
                .isEqualTo(2);
    }

    @Test
    void noneKeepsEveryRowForeverHoweverOld() {
        assertThat(ViewRetention.ttlSeconds(0L, null, NOW))
                .isEqualTo(ViewRetention.NO_TTL)
                .isZero();
    }

    @Test
    void aRowFromTheFutureGetsAtMostCassandrasLongestTtl() {
        long ahead = NOW + 365 * DAY;
        assertThat(ViewRetention.ttlSeconds(ahead, ViewRetention.LONGEST, NOW))
                .isEqualTo((int) ViewRetention.LONGEST.toSeconds());
        assertThat(ViewRetention.ttlSeconds(NOW + 60_000, Duration.ofDays(1), NOW))
                .isEqualTo(86_400 + 60);
    }

    @Test
    void eachViewOfAVersionHasItsRetentionFromTheJobSettingsOrNone() {
        List<String> settings = List.of(
                "--retention.sales_by_store_day", "30d", "--top.n", "3", "--retention.sales_by_store_day", "90d");
        assertThat(ViewRetention.of(settings, ViewSchema.PLAIN))
                .containsEntry(ViewTable.SALES_BY_STORE_DAY, "90d")
                .containsEntry(ViewTable.ITEM_SALES, ViewRetention.NONE)
                .doesNotContainKey(ViewTable.REGION_SALES_PER_HOUR)
                .hasSize(ViewSchema.PLAIN.tables().size());
        assertThat(ViewRetention.of(List.of(), ViewSchema.ENRICHED))
                .containsEntry(ViewTable.REGION_SALES_PER_HOUR, "none");
        assertThat(ViewRetention.settingKey(ViewTable.ITEM_SALES_PER_HOUR)).isEqualTo("retention.item_sales_per_hour");
    }
}
