package storelog.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a discovery plugin needs from its node.
 *
 * @param self  this node as it should appear to others (node id, HTTP address, {@link Member#RAFT} address)
 * @param seeds the seed addresses ({@code host:port} of the gossip transport) from {@code SEEDS} and from
 *              every seed-resolving plugin (DNS), re-read on each call; may change over time
 */
public record DiscoveryContext(Member self, Supplier<List<String>> seeds) {

    public DiscoveryContext {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(seeds, "seeds");
    }
}
