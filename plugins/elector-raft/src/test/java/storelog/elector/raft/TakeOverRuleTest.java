package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TakeOverRuleTest {

    private static final long MS = 1_000_000;
    private final TakeOverRule rule = new TakeOverRule(Duration.ofMillis(1000));

    @Test
    void neverUsableSinceStartMeansTakeOverAtOnce() {
        rule.sample(false, 0);

        assertThat(rule.shouldTakeOver(1)).isTrue();
    }

    @Test
    void afterBeingUsableTakeOverWaitsOneTtlWithoutUse() {
        rule.sample(true, 0);
        rule.sample(false, 100 * MS);

        assertThat(rule.shouldTakeOver(1099 * MS)).isFalse();
        assertThat(rule.shouldTakeOver(1100 * MS)).isTrue();
        assertThat(rule.shouldHandBack(1100 * MS)).isFalse();
    }

    @Test
    void handBackWaitsThreeTtlsWithoutABreak() {
        rule.sample(true, 0);
        rule.sample(true, 2000 * MS);
        rule.sample(false, 2500 * MS);
        rule.sample(true, 2600 * MS);

        assertThat(rule.shouldHandBack(5599 * MS)).isFalse();
        assertThat(rule.shouldHandBack(5600 * MS)).isTrue();
        assertThat(rule.shouldTakeOver(5600 * MS)).isFalse();
    }

    @Test
    void nothingIsDecidedBeforeTheFirstSample() {
        assertThat(rule.shouldTakeOver(Long.MAX_VALUE)).isFalse();
        assertThat(rule.shouldHandBack(Long.MAX_VALUE)).isFalse();
    }
}
