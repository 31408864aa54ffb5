package storelog.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;

/**
 * A node without a cluster: it is its own leader, with no elector (epoch 0), itself the only
 * member, and no followers, so no gaps.
 */
public final class Standalone implements ClusterView {

    private final String nodeId;
    private final Supplier<String> http;

    /**
     * @param http this node's HTTP address ({@code host:port}), asked on each call: it is known only
     *             once the server has bound its port
     */
    public Standalone(String nodeId, Supplier<String> http) {
        this.nodeId = nodeId;
        this.http = http;
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Leadership leadership() {
        return new Leadership(Leadership.Role.LEADER, Optional.of(nodeId), 0);
    }

    @Override
    public Optional<String> leaderHttp() {
        return Optional.of(http.get());
    }

    @Override
    public String elector() {
        return "none";
    }

    @Override
    public List<Member> members() {
        return List.of(new Member(nodeId, http.get(), Map.of()));
    }

    @Override
    public List<GapObservation> gaps() {
        return List.of();
    }
}
