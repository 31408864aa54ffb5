package storelog.elector.raft;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.ClusterName;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.Member;

/**
 * The Raft elector's settings.
 *
 * @param clusterName       {@code SERVICE_NAME} (default {@code storelog-cluster}): the Raft group id is
 *                          derived from it, so every node of one cluster names the same group
 * @param leaderTtl         {@code LEADER_TTL} (milliseconds, default 10000, from 100 to 600000; the variable
 *                          the Redis elector's lease uses): a later Raft elector takes over when the earlier
 *                          electors have been unusable this long, and hands back after 3 × this usable
 * @param removeAfter       {@code RAFT_REMOVE_AFTER_MS} (default 30000, from 100 to 86400000): how long a Raft
 *                          peer may be missing from discovery's view before the Raft leader removes it
 * @param self              this node's Raft address, {@code context.self().attribute("raft")} (made from
 *                          {@code RAFT_PORT}); the server binds exactly this host and port
 * @param electionTimeout   the Raft election timeout's lower bound: fixed at 500 ms (the upper is twice
 *                          that), which STACK.md measured as a ~1 s failover on a busy 2-core machine; it
 *                          does not follow {@code LEADER_TTL}, because Raft's own failure detection does not
 *                          have to wait for an outside lease
 * @param seal              the tag every log entry carries ({@code CLUSTER_SECRET}, {@link EntrySeal})
 */
record RaftSettings(String clusterName, Duration leaderTtl, Duration removeAfter, RaftAddress self,
                    Duration electionTimeout, EntrySeal seal) {

    static final String SERVICE_NAME = "SERVICE_NAME";
    static final String LEADER_TTL = "LEADER_TTL";
    static final String REMOVE_AFTER_MS = "RAFT_REMOVE_AFTER_MS";
    static final String RAFT_PORT = "RAFT_PORT";

    static final String DEFAULT_CLUSTER_NAME = "storelog-cluster";
    static final long DEFAULT_LEADER_TTL_MS = 10_000;
    static final long DEFAULT_REMOVE_AFTER_MS = 30_000;
    static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    /**
     * Reads and checks the settings.
     *
     * @throws InvalidSettingException when a value is unusable, naming {@code RAFT_PORT} for a bad self address
     */
    static RaftSettings from(ElectionContext context) {
        Settings settings = context.settings();
        String name = ClusterName.of(settings); // another CLUSTER_SECRET, another group
        long ttl = settings.longValue(LEADER_TTL, DEFAULT_LEADER_TTL_MS, 100, 600_000);
        long removeAfter = settings.longValue(REMOVE_AFTER_MS, DEFAULT_REMOVE_AFTER_MS, 100, 86_400_000);
        String raft = context.self().attribute(Member.RAFT).orElseThrow(() -> new InvalidSettingException(RAFT_PORT,
                settings.string(RAFT_PORT, ""), "this node advertises no Raft address (member attribute \"raft\"), so the raft elector cannot run"));
        RaftAddress self = RaftAddress.parse(raft).orElseThrow(() -> new InvalidSettingException(RAFT_PORT,
                settings.string(RAFT_PORT, raft), "this node's Raft address \"" + raft + "\" is not host:port with a port from 1 to 65535"));
        EntrySeal seal = EntrySeal.of(settings.string("CLUSTER_SECRET", ""), groupId(name).toString());
        return new RaftSettings(name, Duration.ofMillis(ttl), Duration.ofMillis(removeAfter), self, ELECTION_TIMEOUT, seal);
    }

    /** The Raft group of this cluster: a name-based UUID of the cluster name, the same on every node. */
    RaftGroupId groupId() {
        return groupId(clusterName);
    }

    private static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("storelog-raft:" + clusterName).getBytes(StandardCharsets.UTF_8)));
    }
}
