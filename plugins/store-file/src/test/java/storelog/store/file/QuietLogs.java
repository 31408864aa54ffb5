package storelog.store.file;

/**
 * Silences one {@code java.util.logging} logger (by reflection, as {@link LogCapture} does): a test
 * that recovers thousands of crashed disks would otherwise print every recovery's warnings.
 */
final class QuietLogs {

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
}
