package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import storelog.api.PartitionKey;
import storelog.core.GapObservation;

class GapDetectorTest {

    @Test
    void aGapOfTheGapsPartitionItselfIsShownButNotRecordedInIt() {
        GapObservation data = new GapObservation("n2", PartitionKey.of("orders"), 10, 7, 1);
        GapObservation self = new GapObservation("n2", PartitionKey.of(GapDetector.GAPS), 4, 3, 1);

        assertThat(GapDetector.recordable(List.of(data, self))).containsExactly(data);
    }
}
