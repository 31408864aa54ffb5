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
 *       removed within the plugin's failure-detection time.</li>
 *   <li>Membership changes go to the {@link MembershipListener} in order, on the plugin's thread,
 *       each with the whole new member list.</li>
 *   <li>All methods are thread-safe; {@link #close()} leaves the cluster gracefully when it can.</li>
 * </ul>
 */
public interface Discovery extends AutoCloseable {

    /** Addresses ({@code host:port}) of peers known without membership, e.g. resolved from DNS. */
    default List<String> seeds() {
        return List.of();
    }

    /** Joins the cluster as {@code context.self()}, using the seeds of all discovery plugins. */
    void start(DiscoveryContext context, MembershipListener listener);

    /** The current members, this node included; empty for a plugin that only resolves seeds. */
    List<Member> members();

    @Override
    void close();
}
