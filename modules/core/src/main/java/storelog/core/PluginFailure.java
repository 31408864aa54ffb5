package storelog.core;

/**
 * A plugin that could not be loaded; the others still start.
 *
 * @param plugin the plugin folder or jar (or module) concerned
 * @param reason what went wrong, in a sentence
 */
public record PluginFailure(String plugin, String reason) {

    @Override
    public String toString() {
        return plugin + ": " + reason;
    }
}
