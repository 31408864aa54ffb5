package storelog.api.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A cluster member as discovery sees it.
 *
 * @param nodeId     its {@code NODE_ID}
 * @param http       its HTTP address, {@code host:port}
 * @param attributes other addresses and facts it advertises, e.g. {@code raft -> host:port}
 */
public record Member(String nodeId, String http, Map<String, String> attributes) {

    public Member {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(http, "http");
        attributes = Map.copyOf(attributes);
    }
}
