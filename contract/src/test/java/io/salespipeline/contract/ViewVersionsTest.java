package io.salespipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ViewVersionsTest {

    @Test
    void aVersionsNamesAreFoundAgain() {
        for (int version : new int[] {1, 7, 12, 999_999_999}) {
            assertThat(ViewVersions.versionOfKeyspace(ViewVersions.keyspace(version)))
                    .hasValue(version);
            assertThat(ViewVersions.versionOfJob(ViewVersions.jobName(version, ViewVersions.keyspace(version))))
                    .hasValue(version);
        }
        assertThat(ViewVersions.keyspace(3)).isEqualTo("sales_v3");
        assertThat(ViewVersions.consumerGroup(3)).isEqualTo("sales-pipeline-v3");
        assertThat(ViewVersions.jobName(3, "sales_v3")).isEqualTo("sales-pipeline sales_v3");
    }

    /** {@code ./replay deploy -- --view.keyspace x} used to name the job after x alone, and ./replay lost it. */
    @Test
    void aJobWritingAnotherKeyspaceIsStillItsVersionsJob() {
        String name = ViewVersions.jobName(4, "t_replayit_ab12");
        assertThat(name).isEqualTo("sales-pipeline sales_v4 (keyspace t_replayit_ab12)");
        assertThat(ViewVersions.versionOfJob(name)).hasValue(4);
    }

    @Test
    void otherNamesAreNoVersion() {
        for (String keyspace : new String[] {"sales_v01", "sales_v", "sales", "sales_v0", "t_viewsreaderit_1a2b"}) {
            assertThat(ViewVersions.versionOfKeyspace(keyspace)).as(keyspace).isEqualTo(OptionalInt.empty());
        }
        for (String job : new String[] {
            "sales-pipeline sales_v01", "sales-pipeline t_x", "other sales_v1", "sales-pipeline sales_v2 (keyspace X-Y)"
        }) {
            assertThat(ViewVersions.versionOfJob(job)).as(job).isEqualTo(OptionalInt.empty());
        }
        assertThat(ViewVersions.isKeyspaceName("sales_v1")).isTrue();
        assertThat(ViewVersions.isKeyspaceName("Sales")).isFalse();
        assertThat(ViewVersions.isKeyspaceName("a".repeat(49))).isFalse();
    }
}
