package storelog.store.file;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * Captures what one class logs through {@link System.Logger}, which the JDK routes to
 * {@code java.util.logging}. This module does not read {@code java.logging}, so the handler is set up
 * by reflection (core reflection reads every module). Use with try-with-resources.
 */
final class LogCapture implements AutoCloseable {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Object logger;
    private final Object handler;

    LogCapture(Class<?> source) {
        try {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> handlerClass = Class.forName("java.util.logging.Handler");
            Class<?> formatterClass = Class.forName("java.util.logging.Formatter");
            Object formatter = Class.forName("java.util.logging.SimpleFormatter").getConstructor().newInstance();
            handler = Class.forName("java.util.logging.StreamHandler").getConstructor(java.io.OutputStream.class, formatterClass)
                    .newInstance(out, formatter);
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, source.getName());
            loggerClass.getMethod("addHandler", handlerClass).invoke(logger, handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("java.util.logging is not available", e);
        }
    }

    /** Everything logged so far. */
    String text() {
        try {
            handler.getClass().getMethod("flush").invoke(handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            Method remove = Class.forName("java.util.logging.Logger").getMethod("removeHandler", Class.forName("java.util.logging.Handler"));
            remove.invoke(logger, handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
