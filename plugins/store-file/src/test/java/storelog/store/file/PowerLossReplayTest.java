package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import storelog.testkit.TestData;

/**
 * Replays one crash state a {@link PowerLossExplorerTest} failure printed:
 * {@code -Dpowerloss.replay="mode seed appends threads operation variant"}, e.g.
 * {@code -Dpowerloss.replay="always 87201900 8 1 57 0"}.
 */
class PowerLossReplayTest {

    @Test
    @EnabledIfSystemProperty(named = "powerloss.replay", matches = ".+")
    void replay(TestInfo test) {
        String[] a = System.getProperty("powerloss.replay").trim().split("\\s+");
        FsyncPolicy fsync = FsyncPolicy.parse(a[0]);
        Path scratch = TestData.directory(test);
        PowerLossExplorer explorer = new PowerLossExplorer(fsync, scratch);
        explorer.replay(new PowerLossWorkload(fsync, Long.parseLong(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3])),
                Integer.parseInt(a[4]), Integer.parseInt(a[5]));
        assertThat(explorer.states()).as("the replay reached the crash state").isEqualTo(1);
        assertThat(explorer.failures()).isEmpty();
    }
}
