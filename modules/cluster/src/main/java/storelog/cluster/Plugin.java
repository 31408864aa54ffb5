package storelog.cluster;

import java.util.function.Supplier;
import storelog.api.spi.PluginProvider;
import storelog.core.PluginRegistry;

/**
 * A plugin instance with its name and the provider it came from: calls that may start threads run
 * with the plugin's class loader as the context class loader (threads inherit it).
 *
 * @param name     the configured name ({@code redis}, {@code gossip} ...)
 * @param provider where it came from
 * @param instance the opened plugin
 * @param registry the registry that found the provider
 */
record Plugin<T>(String name, PluginProvider provider, T instance, PluginRegistry registry) {

    <R> R call(Supplier<R> call) {
        return registry.withLoaderOf(provider, call);
    }

    void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }
}
