package storelog.store.file;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Silences one {@code java.util.logging} logger (by reflection, as {@link LogCapture} does): a test
 * that recovers thousands of crashed disks would otherwise print every recovery's warnings.
 * Registered as an extension ({@code @RegisterExtension}) it is on for each test of the class;
 * {@link #on()} and {@link #off()} serve a class that silences the logger once for all its tests.
 */
final class QuietLogs implements BeforeEachCallback, AfterEachCallback {

    private final Object logger;
    private Object level;

    QuietLogs(String name) {
        try {
            logger = Class.forName("java.util.logging.Logger").getMethod("getLogger", String.class).invoke(null, name);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("java.util.logging is not available", e);
        }
    }

    void on() {
        try {
            Class<?> levels = Class.forName("java.util.logging.Level");
            level = logger.getClass().getMethod("getLevel").invoke(logger);
            logger.getClass().getMethod("setLevel", levels).invoke(logger, levels.getField("OFF").get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    void off() {
        try {
            logger.getClass().getMethod("setLevel", Class.forName("java.util.logging.Level")).invoke(logger, level);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        on();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        off();
    }
}
