package storelog.api.spi;

import java.util.List;
import java.util.function.Supplier;
import storelog.api.Settings;

/**
 * What an elector needs from its node.
 *
 * @param nodeId   this node's id ({@code NODE_ID})
 * @param settings the node's configuration (e.g. {@code REDIS_ADDR}, {@code LEADER_TTL}, {@code RAFT_PORT})
 * @param members  the current cluster members from discovery, this node included
 */
public record ElectionContext(String nodeId, Settings settings, Supplier<List<Member>> members) {
}
