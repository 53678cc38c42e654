package io.salespipeline.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.contract.JobSetting;
import io.salespipeline.contract.ViewTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings that used to pass at submission and then fail, or misbehave, on the TaskManagers. */
class JobConfigTest {

    private static JobConfig config(String... args) {
        return JobConfig.fromArgs(args, Map.of());
    }

    @Test
    void twoVersionsWithTheSameCustomGroupKeepTheirOwnTransactionalIds() {
        JobConfig v1 = config("--view.version", "1", "--kafka.group-id", "shared-group");
        JobConfig v2 = config("--view.version", "2", "--kafka.group-id", "shared-group");
        assertThat(v1.groupId).isEqualTo(v2.groupId);
        assertThat(v1.transactionalIdPrefix("dlq"))
                .isNotEqualTo(v2.transactionalIdPrefix("dlq"))
                .isEqualTo("sales-pipeline-sales_v1-dlq");
        assertThat(v1.transactionalIdPrefix("dlq")).isNotEqualTo(v1.transactionalIdPrefix("late"));
    }

    @Test
    void everyViewKeepsItsRowsForeverUnlessItsRetentionIsSetAndABadRetentionIsOneLine() {
        JobConfig config = config("--retention.sales_by_store_day", "90d", "--retention.item_sales", "NONE");
        assertThat(config.retention(ViewTable.SALES_BY_STORE_DAY)).isEqualTo(Duration.ofDays(90));
        assertThat(config.retention(ViewTable.ITEM_SALES)).isNull();
        assertThat(config.retention(ViewTable.REGION_SALES_PER_HOUR)).isNull();
        assertThat(config.describe())
                .containsEntry("retention.sales_by_store_day", "PT2160H")
                .containsEntry("retention.store_sales_per_minute", "none");
        assertThatThrownBy(() -> config("--retention.item_sales_per_hour", "0s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--retention.item_sales_per_hour must be positive, got 0s");
        assertThatThrownBy(() -> config("--retention.item_sales_per_hour", "7301d"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--retention.item_sales_per_hour must be at most 7300d (Cassandra's longest TTL) or none, "
                        + "got 7301d");
        assertThatThrownBy(() -> config("--retention.item_sales_per_day", "1d"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting --retention.item_sales_per_day (see --help for the list)");
    }

    @Test
    void subMillisecondDurationsAreRefusedNotRoundedToZero() {
        assertThatThrownBy(() -> config("--window.store", "PT0.0005S"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--window.store must be a whole number of milliseconds, got PT0.0005S");
        assertThatThrownBy(() -> config("--watermark.idleness", "PT1.0001S"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--watermark.idleness must be a whole number of milliseconds, got PT1.0001S");
        assertThat(config("--window.store", "PT0.5S").storeWindow).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void durationsLongEnoughToOverflowEventTimeAreRefused() {
        assertThatThrownBy(() -> config("--window.allowed-lateness", "40000d"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--window.allowed-lateness must be at most 36500d, got 40000d");
        assertThatThrownBy(() -> config("--window.allowed-lateness", "106751991167301d"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--window.allowed-lateness '106751991167301d' is invalid");
        assertThat(config("--window.allowed-lateness", "36500d").allowedLateness)
                .isEqualTo(Duration.ofDays(36_500));
    }

    @Test
    void aCassandraPortOutOfRangeIsRefused() {
        assertThatThrownBy(() -> config("--cassandra.contact", "127.0.0.1:99999"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--cassandra.contact '127.0.0.1:99999' is invalid: the port must be 1 to 65535, got 99999");
        assertThatThrownBy(() -> config("--cassandra.contact", "127.0.0.1:0")).isInstanceOf(ConfigException.class);
        assertThat(config("--cassandra.contact", "db:9042").cassandraPort).isEqualTo(9042);
    }

    @Test
    void aMistypedValueOrKeyIsOneLine() {
        assertThatThrownBy(() -> config("--window.store", "banana"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--window.store 'banana' is invalid: expected a duration such as 500ms, 5s, 1min, 1h");
        assertThatThrownBy(() -> config("--window.sizes", "1min"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting --window.sizes (see --help for the list)");
    }

    /**
     * The contract's settings are exactly the documented ones: the launcher cannot pass a key the job does not know.
     */
    @Test
    void everyContractSettingIsADocumentedOptionAndNoOther() {
        assertThat(JobConfig.OPTIONS.stream().map(JobConfig.Option::key))
                .containsExactlyInAnyOrder(java.util.stream.Stream.concat(
                                Arrays.stream(JobSetting.values()).map(JobSetting::key),
                                Arrays.stream(io.salespipeline.contract.ViewTable.values())
                                        .map(io.salespipeline.contract.ViewRetention::settingKey))
                        .toArray(String[]::new));
        List<String> args = new JobSetting.Arguments()
                .set(JobSetting.VIEW_VERSION, 7)
                .set(JobSetting.VIEWS_RECORDS, false)
                .toList();
        assertThat(args).containsExactly("--view.version", "7", "--views.records", "false");
        JobConfig config = JobConfig.fromArgs(args.toArray(String[]::new), Map.of());
        assertThat(config.keyspace).isEqualTo("sales_v7");
        assertThat(config.writeRecordViews).isFalse();
    }
}
