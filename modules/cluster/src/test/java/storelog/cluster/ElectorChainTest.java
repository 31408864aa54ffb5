package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;
import storelog.core.PluginRegistry;
import storelog.testkit.TestData;

class ElectorChainTest {

    private final FakeElector redis = new FakeElector();
    private final FakeElector raft = new FakeElector();
    private final List<Leadership> reported = new ArrayList<>();
    private Path dir;
    private EpochCheckpoint checkpoint;
    private ElectorChain chain;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
        checkpoint = EpochCheckpoint.open(dir);
        chain = new ElectorChain(List.of(plugin("redis", redis), plugin("raft", raft)), checkpoint, reported::add);
        chain.start();
    }

    private static Plugin<LeaderElector> plugin(String name, LeaderElector elector) {
        LeaderElectorProvider provider = new LeaderElectorProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public LeaderElector open(storelog.api.spi.ElectionContext context) {
                return elector;
            }
        };
        return new Plugin<>(name, provider, elector, PluginRegistry.bootLayer());
    }

    @Test
    void theFirstElectorIsActiveAndTheOthersOnlyFollow() {
        assertThat(redis.active).isTrue();
        assertThat(raft.active).isFalse();
        assertThat(chain.activeName()).isEqualTo("redis");

        raft.set(Role.LEADER, "other", 7); // a Raft leader that has not taken over decides nothing

        assertThat(chain.leadership().role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void aLaterElectorThatTookOverBecomesActiveAndTheEarlierOneStandsByFirst() {
        raft.takeOver(true);

        assertThat(chain.activeName()).isEqualTo("raft");
        assertThat(redis.calls).containsSubsequence("activate", "standBy");
        assertThat(raft.calls).contains("activate");
        assertThat(redis.active).isFalse();

        raft.takeOver(false);

        assertThat(chain.activeName()).isEqualTo("redis");
        assertThat(raft.active).isFalse();
        assertThat(redis.active).isTrue();
    }

    @Test
    void anEpochIsOnDiskBeforeTheLeadershipCarryingItIsReported() {
        redis.set(Role.LEADER, "node1", 12);

        assertThat(EpochCheckpoint.open(dir).highest()).isEqualTo(12);
        assertThat(reported.getLast()).isEqualTo(new Leadership(Role.LEADER, java.util.Optional.of("node1"), 12));
        assertThat(raft.seen).containsExactly(12L);
    }

    @Test
    void aLeadershipBelowTheHighestEpochSeenIsNotActedOnAndTheElectorResigns() {
        chain.epochSeen(20);

        redis.set(Role.LEADER, "node1", 14);

        Leadership now = chain.leadership();
        assertThat(now.role()).isEqualTo(Role.CANDIDATE);
        assertThat(now.epoch()).isEqualTo(20);
        assertThat(redis.calls).contains("resign");
    }

    @Test
    void aLeaderNamedWithAnEpochBelowTheHighestSeenIsNotFollowedNorShownWithThatHigherEpoch() {
        chain.epochSeen(20); // e.g. a newer leader's stream, or a Raft epoch

        redis.set(Role.FOLLOWER, "old", 14); // a lease of an older leadership (Redis came back with older data)

        assertThat(chain.leadership()).isEqualTo(new Leadership(Role.CANDIDATE, java.util.Optional.empty(), 20));
    }

    @Test
    void theEpochShownNeverGoesDownWhenTheElectorSwitches() {
        redis.set(Role.FOLLOWER, "a", 10);
        raft.set(Role.FOLLOWER, "b", 3); // an old Raft state
        raft.takeOver(true);

        assertThat(chain.leadership().epoch()).isEqualTo(10);
        assertThat(reported).extracting(Leadership::epoch).isSorted();
    }

    @Test
    void earlierUsableLooksOnlyAtElectorsBeforeTheAskingOne() {
        redis.usable = false;
        assertThat(chain.earlierUsable(1)).isFalse();
        redis.usable = true;
        assertThat(chain.earlierUsable(1)).isTrue();
        assertThat(chain.earlierUsable(0)).isFalse();
    }
}
