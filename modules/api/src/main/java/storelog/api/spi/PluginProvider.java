package storelog.api.spi;

/**
 * What every plugin provider has: a stable name used in configuration, {@code /status} and
 * {@code storelog plugins}. Providers have a public no-argument constructor, are found with
 * {@link java.util.ServiceLoader}, and are stateless until asked to open something.
 */
public interface PluginProvider {

    /** The name used in configuration, e.g. {@code file}, {@code channel}, {@code redis}. */
    String name();
}
