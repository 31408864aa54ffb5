package storelog.api;

import java.util.Map;
import java.util.Optional;

/**
 * Read-only configuration by variable name ({@code DATA_DIR}, {@code FSYNC} ...), as the launcher
 * resolved it (system property, environment, config file, default). Plugins read their own
 * variables through it and report bad values with {@link InvalidSettingException}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface Settings {

    /** The raw value of a variable, if set. */
    Optional<String> get(String name);

    /** The value, or {@code fallback} when unset or blank. */
    default String string(String name, String fallback) {
        return get(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    /**
     * A whole number in {@code [min, max]}, or {@code fallback} when unset.
     *
     * @throws InvalidSettingException when it is not a number or out of range
     */
    default long longValue(String name, long fallback, long min, long max) {
        Optional<String> raw = get(name).map(String::strip).filter(v -> !v.isEmpty());
        if (raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, raw.get(), "expected a whole number");
        }
        if (value < min || value > max) {
            throw new InvalidSettingException(name, raw.get(), "expected a number from " + min + " to " + max);
        }
        return value;
    }

    /** Settings backed by a map (tests, embedding). */
    static Settings of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return name -> Optional.ofNullable(copy.get(name));
    }
}
