package io.salespipeline.stack.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LateComparisonTest {

    @Test
    void anEventEnvelopeCountsOnlyBelowTheCommittedHorizonOfItsPartition() {
        Map<Integer, Long> horizon = Map.of(0, 100L, 1, 5L);
        assertThat(LateComparison.belowHorizon("item_sales/0/99", horizon)).isTrue();
        assertThat(LateComparison.belowHorizon("item_sales/0/100", horizon)).isFalse();
        assertThat(LateComparison.belowHorizon("item_sales/1/7", horizon)).isFalse();
        assertThat(LateComparison.belowHorizon("item_sales/3/0", horizon))
                .as("a partition neither version committed")
                .isFalse();
        // a closed window's envelope names no single offset: always compared
        assertThat(LateComparison.belowHorizon("store_sales_per_minute/1700000040000/Store 1/null", horizon))
                .isTrue();
    }
}
