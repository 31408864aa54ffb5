package storelog.api.spi;

import java.io.IOException;
import java.nio.file.Path;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.StorageFailedException;

/**
 * Service provider of a {@link StorageEngine}, found with {@link java.util.ServiceLoader} and chosen by
 * {@link #name()}. Implementations have a public no-argument constructor and are stateless.
 */
public interface StorageEngineProvider extends PluginProvider {

    /** The name used in configuration (the default engine is {@code file}). */
    String name();

    /**
     * Opens (creating if needed) the engine over its configured data, recovering from a crash.
     * Only one engine may have a data directory open at a time, across processes.
     *
     * @throws InvalidSettingException when a setting is unusable
     * @throws StorageFailedException  when the data cannot be opened (in use, unreadable)
     */
    StorageEngine open(Settings settings);

    /**
     * Checks stored data without opening the engine (it must not be open elsewhere) and, when
     * {@code repair} is set, fixes what can be fixed without losing acknowledged records.
     */
    VerificationReport verify(Settings settings, boolean repair);

    /**
     * Writes a human-readable dump of one of this engine's files to {@code out}: one line per
     * record or entry, with its checks.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when the file is not one of this engine's
     */
    void dump(Path file, Appendable out) throws IOException;
}
