package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.DiscoveryProvider;
import storelog.api.spi.Member;
import storelog.api.spi.MembershipListener;
import storelog.core.PluginRegistry;

/** When the seeds tell which members to expect (the Raft group is formed only then). */
class MembershipSeedsTest {

    private static final Member SELF = new Member("n1", "127.0.0.1:8080", Map.of(Member.GOSSIP, "10.0.0.1:7946"));

    /** A DNS-like seed resolver that has had no answer yet. */
    private static final class Unanswered implements Discovery {
        @Override
        public boolean seedsKnown() {
            return false;
        }

        @Override
        public void start(DiscoveryContext context, MembershipListener listener) {
        }

        @Override
        public List<Member> members() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    private static Membership membership(String... seeds) {
        List<HostPort> configured = java.util.Arrays.stream(seeds).map(s -> HostPort.parse(s, "SEEDS", s)).toList();
        DiscoveryProvider provider = new DiscoveryProvider() {
            @Override
            public String name() {
                return "dns";
            }

            @Override
            public Discovery open(Settings settings) {
                return new Unanswered();
            }
        };
        Plugin<Discovery> dns = new Plugin<>("dns", provider, new Unanswered(), PluginRegistry.bootLayer());
        return new Membership(SELF, configured, List.of(dns), members -> { });
    }

    @Test
    void unknownWhileOnlyAnUnansweredResolverCouldNameTheOthers() {
        assertThat(membership().seedsKnown()).isFalse();
        assertThat(membership("10.0.0.1:7946").seedsKnown()).as("SEEDS naming only this node").isFalse();
    }

    @Test
    void knownWhenSeedsNameAnotherNodeWhateverTheResolverDoes() {
        assertThat(membership("10.0.0.1:7946", "10.0.0.2:7946").seedsKnown()).isTrue();
    }
}
