package storelog.core;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import storelog.api.InvalidSettingException;
import storelog.api.spi.ConnectorProvider;
import storelog.api.spi.StorageEngineProvider;

/**
 * Finds plugin providers with {@link ServiceLoader} and picks them by configured name. Plugins
 * linked into the runtime come from the boot layer. Thread-safe (immutable).
 */
public final class PluginRegistry {

    /** The variable naming the storage engine plugin. */
    public static final String STORAGE = "STORAGE";
    /** The variable naming the connector plugin. */
    public static final String CONNECTOR = "CONNECTOR";

    private PluginRegistry() {
    }

    /** The plugins of the boot layer (the runtime image, or the module path in tests). */
    public static PluginRegistry bootLayer() {
        return new PluginRegistry();
    }

    /** Every provider of an SPI, in discovery order. */
    public <P> List<P> providers(Class<P> spi) {
        return ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get).toList();
    }

    /**
     * The storage engine provider called {@code name}.
     *
     * @throws InvalidSettingException naming {@code STORAGE} and the engines that exist
     */
    public StorageEngineProvider storageEngine(String name) {
        return byName(StorageEngineProvider.class, StorageEngineProvider::name, STORAGE, name);
    }

    /**
     * The connector provider called {@code name}.
     *
     * @throws InvalidSettingException naming {@code CONNECTOR} and the connectors that exist
     */
    public ConnectorProvider connector(String name) {
        return byName(ConnectorProvider.class, ConnectorProvider::name, CONNECTOR, name);
    }

    private <P> P byName(Class<P> spi, Function<P, String> nameOf, String variable, String name) {
        List<P> all = providers(spi);
        return all.stream().filter(p -> nameOf.apply(p).equals(name)).findFirst()
                .orElseThrow(() -> new InvalidSettingException(variable, name, "no " + spi.getSimpleName()
                        + " plugin has that name; found: " + (all.isEmpty() ? "none"
                        : all.stream().map(nameOf).sorted().collect(Collectors.joining(", ")))));
    }
}
