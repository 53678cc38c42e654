package io.salespipeline.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VersionStateTest {

    @Test
    void noVersionIsCreatedAgainARetiredOneNeverComesBackAndEveryOtherCanBeRetired() {
        for (VersionState state : VersionState.values()) {
            assertThat(VersionState.RETIRED.canBecome(state))
                    .as("retired -> " + state)
                    .isFalse();
            if (state != VersionState.RETIRED) {
                assertThat(state.canBecome(VersionState.RETIRED))
                        .as(state + " -> retired")
                        .isTrue();
            }
        }
        for (VersionState state : VersionState.values()) {
            assertThat(state.canBecome(VersionState.CREATED))
                    .as(state + " -> created")
                    .isFalse();
        }
        assertThat(VersionState.STOPPED.canBecome(VersionState.RUNNING)).isTrue();
        assertThat(VersionState.RUNNING.canBecome(VersionState.RUNNING))
                .as("resumed after a lost JobManager")
                .isTrue();
    }

    @Test
    void codesAreWhatTheControlTableHolds() throws Exception {
        for (VersionState state : VersionState.values()) {
            assertThat(VersionState.ofCode(state.code())).hasValue(state);
        }
        assertThat(VersionState.ofCode("switched")).isEmpty();
        // cql/00-control.cql registers version 1 as created
        assertThat(Files.readString(Path.of("..", "cql", "00-control.cql")))
                .contains("'" + VersionState.CREATED.code() + "'");
    }
}
