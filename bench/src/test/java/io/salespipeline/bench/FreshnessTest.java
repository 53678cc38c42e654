package io.salespipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FreshnessTest {

    @Test
    void lagIsTheAgeOfTheNewestVisibleEventOfTheMostBehindPartition() {
        Freshness freshness = new Freshness(2, 1_000);
        // nothing visible yet: behind since the start
        assertThat(freshness.lagNanos(5_000)).isEqualTo(4_000);
        freshness.visible(0, 4_000);
        assertThat(freshness.lagNanos(5_000)).isEqualTo(4_000);
        freshness.visible(1, 4_500);
        assertThat(freshness.lagNanos(5_000)).isEqualTo(1_000);
        // an older event seen late does not make a partition look further behind
        freshness.visible(0, 2_000);
        assertThat(freshness.lagNanos(5_000)).isEqualTo(1_000);
        freshness.visible(0, 4_900);
        assertThat(freshness.lagNanos(5_000)).isEqualTo(500);
    }

    @Test
    void lagIsNeverNegative() {
        Freshness freshness = new Freshness(1, 1_000);
        freshness.visible(0, 9_000);
        assertThat(freshness.lagNanos(5_000)).isZero();
    }
}
