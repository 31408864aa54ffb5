package storelog.api.spi;

import java.util.List;
import java.util.function.Supplier;

/**
 * What a discovery plugin needs from its node.
 *
 * @param self  this node as it should appear to others
 * @param seeds the seed addresses ({@code host:port}) of all discovery plugins and {@code SEEDS}, re-read on each call
 */
public record DiscoveryContext(Member self, Supplier<List<String>> seeds) {
}
