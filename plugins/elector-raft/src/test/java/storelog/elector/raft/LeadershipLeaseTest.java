package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeadershipLeaseTest {

    private static final long MS = 1_000_000;
    private final LeadershipLease lease = new LeadershipLease(Duration.ofMillis(500));

    @Test
    void aConfirmationHoldsUntilTheElectionTimeoutLessTheMarginsFromWhenItWasSent() {
        lease.confirmed(3, 1000 * MS);

        assertThat(lease.valid(3, 1394 * MS)).isTrue();
        assertThat(lease.valid(3, 1395 * MS)).as("500 ms x 0.99 - 100 ms").isFalse();
        assertThat(lease.valid(4, 1001 * MS)).as("another term").isFalse();
    }

    @Test
    void nothingIsValidBeforeTheFirstConfirmationAndLateAnswersDoNotGoBack() {
        assertThat(lease.valid(0, 0)).isFalse();
        assertThat(lease.everConfirmed()).isFalse();

        lease.confirmed(3, 2000 * MS);
        lease.confirmed(3, 1000 * MS); // an older confirmation answered late
        lease.confirmed(2, 2100 * MS); // a confirmation of an earlier term

        assertThat(lease.lastSentAt()).isEqualTo(2000 * MS);
        assertThat(lease.valid(3, 2300 * MS)).isTrue();
        assertThat(lease.valid(2, 2300 * MS)).isFalse();
    }
}
