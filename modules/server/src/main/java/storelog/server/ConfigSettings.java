package storelog.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * {@link Settings} from Helidon Config with the precedence of API.md §2: system property, then
 * environment variable, then the config file, then the default. Keys are the variable names
 * ({@code DATA_DIR: /var/lib/storelog} in YAML, {@code -DDATA_DIR=...}).
 *
 * <p>The file is {@code storelog.config} (system property) or {@code STORELOG_CONFIG} when set,
 * else {@code <storelog.home>/conf/storelog.yaml}, else {@code conf/storelog.yaml}; it is optional.
 */
final class ConfigSettings {

    private ConfigSettings() {
    }

    static Settings load() {
        Path file = configFile();
        Config.Builder builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.systemProperties())
                .addSource(ConfigSources.environmentVariables());
        if (Files.isRegularFile(file)) {
            builder.addSource(ConfigSources.file(file));
        }
        Config config = builder.build();
        return name -> {
            Optional<String> value = config.get(name).asString().asOptional();
            return value.isPresent() ? value : Optional.empty();
        };
    }

    /**
     * The {@code server} section of the configuration file, for Helidon's web server (TLS, timeouts,
     * socket options ...). Read from the file only: environment variables such as {@code SERVER_PORT}
     * that a platform sets for other purposes must not reconfigure the listener.
     */
    static Optional<Config> webServerSection() {
        Path file = configFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Config server = Config.just(ConfigSources.file(file)).get("server");
        return server.exists() ? Optional.of(server) : Optional.empty();
    }

    /**
     * The configuration file: one named by {@code -Dstorelog.config} or {@code STORELOG_CONFIG} must
     * exist; the image's default {@code conf/storelog.yaml} may be absent.
     *
     * @throws InvalidSettingException when a named file does not exist
     */
    static Path configFile() {
        String property = System.getProperty("storelog.config");
        String name = property != null ? "storelog.config" : "STORELOG_CONFIG";
        String explicit = property != null ? property : System.getenv("STORELOG_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            Path file;
            try {
                file = Path.of(explicit);
            } catch (java.nio.file.InvalidPathException e) {
                throw new InvalidSettingException(name, explicit, "not a valid path: " + e.getReason());
            }
            if (!Files.isRegularFile(file)) {
                throw new InvalidSettingException(name, explicit, "no such file");
            }
            return file;
        }
        String home = System.getProperty("storelog.home");
        return home != null ? Path.of(home, "conf", "storelog.yaml") : Path.of("conf", "storelog.yaml");
    }
}
