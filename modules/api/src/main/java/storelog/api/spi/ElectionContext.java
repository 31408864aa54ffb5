package storelog.api.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import storelog.api.Settings;

/**
 * What an elector needs from its node.
 *
 * <p><b>Epochs.</b> Every elector of {@code ELECTOR} issues epochs from its own residue class, so
 * two electors can never hand out the same epoch even when they run at once on two sides of a split
 * (the elector at position {@code slot} of {@code slots} only issues epochs {@code e} with
 * {@code e % slots == slot}; {@link #nextEpochAbove} computes them). Every epoch an elector issues is
 * above {@link #highestEpoch()} at the time of the win: the highest epoch this node has seen, kept on
 * disk, from any elector and from replication.
 *
 * @param nodeId          this node's id ({@code NODE_ID})
 * @param settings        the node's configuration (e.g. {@code REDIS_ADDR}, {@code LEADER_TTL}, {@code RAFT_PORT})
 * @param self            this node as discovery shows it (HTTP address, {@code raft} address attribute)
 * @param members         the current cluster members from discovery, this node included
 * @param seeds           the gossip seed addresses ({@code host:port}) from {@code SEEDS} and DNS: the members
 *                        expected when a cluster is first formed; may change over time
 * @param highestEpoch    the highest epoch this node has seen (never decreases)
 * @param slot            this elector's position in {@code ELECTOR}, from 0
 * @param slots           how many electors {@code ELECTOR} names
 * @param stateDirectory  a directory of this elector's own for durable state (under {@code DATA_DIR}), created
 * @param earlierUsable   whether an elector before this one in {@code ELECTOR} can be used from this node now (its
 *                        backend answers); a fallback elector takes over only while none can
 * @param seedsKnown      whether {@code seeds} rests on answers ({@link Discovery#seedsKnown()}): while false, an
 *                        empty or short list may hide members that exist, so no new group is formed on it
 */
public record ElectionContext(String nodeId, Settings settings, Member self, Supplier<List<Member>> members,
                              Supplier<List<String>> seeds,
                              LongSupplier highestEpoch, int slot, int slots, Path stateDirectory,
                              BooleanSupplier earlierUsable, BooleanSupplier seedsKnown) {

    /** A context whose seeds are always known (no resolver that can fail). */
    public ElectionContext(String nodeId, Settings settings, Member self, Supplier<List<Member>> members,
                           Supplier<List<String>> seeds, LongSupplier highestEpoch, int slot, int slots, Path stateDirectory,
                           BooleanSupplier earlierUsable) {
        this(nodeId, settings, self, members, seeds, highestEpoch, slot, slots, stateDirectory, earlierUsable, () -> true);
    }

    public ElectionContext {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(seeds, "seeds");
        Objects.requireNonNull(highestEpoch, "highestEpoch");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(earlierUsable, "earlierUsable");
        Objects.requireNonNull(seedsKnown, "seedsKnown");
        if (slots < 1 || slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("slot " + slot + " of " + slots);
        }
    }

    /** The smallest epoch above {@code floor} that this elector may issue ({@code e % slots == slot}). */
    public long nextEpochAbove(long floor) {
        long e = Math.max(floor, 0) + 1;
        return e + Math.floorMod(slot - e, slots);
    }

    /** Whether {@code epoch} is one this elector issues. */
    public boolean issues(long epoch) {
        return Math.floorMod(epoch, slots) == slot;
    }
}
