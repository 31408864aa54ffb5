package storelog.api.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster member as discovery sees it.
 *
 * @param nodeId     its {@code NODE_ID}
 * @param http       its HTTP address, {@code host:port}
 * @param attributes other addresses and facts it advertises, e.g. {@value #RAFT} {@code -> host:port};
 *                   keys and values are short (a value at most 255 bytes)
 */
public record Member(String nodeId, String http, Map<String, String> attributes) {

    /** The attribute holding a member's Raft address, {@code host:port}. */
    public static final String RAFT = "raft";
    /** The attribute holding a member's gossip address, {@code host:port} as in {@code SEEDS}. */
    public static final String GOSSIP = "gossip";

    public Member {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(http, "http");
        attributes = Map.copyOf(attributes);
    }

    /** One attribute, if advertised. */
    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }
}
