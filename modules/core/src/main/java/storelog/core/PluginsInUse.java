package storelog.core;

import java.util.List;

/**
 * The plugins a node runs with, by name, as {@code /status} shows them.
 *
 * @param storage   the storage engine
 * @param connector the connector
 * @param elector   the elector in use, or {@code none}
 * @param discovery the discovery plugins
 */
public record PluginsInUse(String storage, String connector, String elector, List<String> discovery) {

    public PluginsInUse {
        discovery = List.copyOf(discovery);
    }
}
