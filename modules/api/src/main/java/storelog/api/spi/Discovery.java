package storelog.api.spi;

import java.util.List;

/**
 * Finds the cluster's members (DESIGN.md §6): seed resolution (explicit {@code SEEDS}, DNS) and
 * membership with failure detection (gossip). A plugin may do only one of the two: a seed resolver
 * returns addresses from {@link #seeds()} and no members.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #members()} includes this node once started; a member that stops answering is
 *       removed within the plugin's failure-detection time (a few seconds); a member that comes back
 *       is added again; the members of two halves of a healed split are merged.</li>
 *   <li>Membership changes go to the {@link MembershipListener} in order, on the plugin's thread,
 *       each with the whole new member list.</li>
 *   <li>{@link #start} does not fail because peers cannot be reached (a node may be the first);
 *       it throws {@link storelog.api.InvalidSettingException} for unusable settings or a bind
 *       address that cannot be bound, and {@link SecurityException} when the cluster refused this
 *       node (a wrong {@code CLUSTER_SECRET}).</li>
 *   <li>All methods are thread-safe; {@link #close()} leaves the cluster gracefully when it can and
 *       stops every thread the plugin started.</li>
 * </ul>
 */
public interface Discovery extends AutoCloseable {

    /** Addresses ({@code host:port}) of peers known without membership, e.g. resolved from DNS. Does not block. */
    default List<String> seeds() {
        return List.of();
    }

    /**
     * Whether {@link #seeds()} rests on an answer: false while a resolver has had none yet (DNS
     * unreachable since start), so an empty list means "unknown", not "no peers". A node does not form
     * a new Raft group alone on seeds that are unknown: others may exist that it cannot see. Does not block.
     */
    default boolean seedsKnown() {
        return true;
    }

    /** Joins the cluster as {@code context.self()}, using the seeds of all discovery plugins. */
    void start(DiscoveryContext context, MembershipListener listener);

    /** The current members, this node included; empty for a plugin that only resolves seeds. */
    List<Member> members();

    @Override
    void close();
}
