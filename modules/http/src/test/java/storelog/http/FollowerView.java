package storelog.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.core.ClusterView;
import storelog.core.GapObservation;

/** A follower's view of its cluster (leader "node-l" at epoch 5), for the follower side of replication. */
record FollowerView(Supplier<String> http) implements ClusterView {

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public String nodeId() {
        return "node-f";
    }

    @Override
    public Leadership leadership() {
        return new Leadership(Leadership.Role.FOLLOWER, Optional.of("node-l"), 5);
    }

    @Override
    public Optional<String> leaderHttp() {
        return Optional.of("127.0.0.1:1");
    }

    @Override
    public String elector() {
        return "test";
    }

    @Override
    public List<Member> members() {
        return List.of(new Member("node-f", http.get(), Map.of()), new Member("node-l", "127.0.0.1:1", Map.of()));
    }

    @Override
    public List<GapObservation> gaps() {
        return List.of();
    }
}
