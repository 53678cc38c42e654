package io.salespipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfOneToHundred() {
        List<Double> values = new ArrayList<>(
                IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList());
        Collections.shuffle(values, new java.util.Random(7));
        Percentiles p = new Percentiles(values);
        assertThat(p.count()).isEqualTo(100);
        assertThat(p.at(50)).isEqualTo(50.0);
        assertThat(p.at(95)).isEqualTo(95.0);
        assertThat(p.at(99)).isEqualTo(99.0);
        assertThat(p.at(100)).isEqualTo(100.0);
        assertThat(p.max()).isEqualTo(100.0);
    }

    @Test
    void everyPercentileIsAMeasuredValue() {
        Percentiles p = new Percentiles(List.of(10.0, 20.0, 30.0, 1000.0));
        assertThat(p.at(50)).isEqualTo(20.0);
        assertThat(p.at(75)).isEqualTo(30.0);
        // one slow reading in four is the p99: a few samples cannot hide an outlier
        assertThat(p.at(99)).isEqualTo(1000.0);
        assertThat(p.at(1)).isEqualTo(10.0);
    }

    @Test
    void aSingleValueIsEveryPercentile() {
        Percentiles p = new Percentiles(List.of(42.0));
        assertThat(p.at(1)).isEqualTo(42.0);
        assertThat(p.at(99)).isEqualTo(42.0);
    }

    @Test
    void noValuesGiveNaNAndBadPercentilesAreRefused() {
        assertThat(new Percentiles(List.of()).at(50)).isNaN();
        assertThat(new Percentiles(List.of()).max()).isNaN();
        assertThatThrownBy(() -> new Percentiles(List.of(1.0)).at(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Percentiles(List.of(1.0)).at(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
