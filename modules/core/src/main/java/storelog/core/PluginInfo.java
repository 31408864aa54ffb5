package storelog.core;

/**
 * A plugin provider found at start-up.
 *
 * @param name    its configuration name
 * @param spi     which SPI: {@code storage}, {@code connector}, {@code elector}, {@code discovery}
 * @param version its module's version, or {@code -}
 * @param source  where it came from: {@code image (<module>)} or the plugin folder or jar under {@code PLUGINS_DIR}
 */
public record PluginInfo(String name, String spi, String version, String source) {
}
