package storelog.elector.raft;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One SLF4J logger written to a {@link System.Logger} at the levels {@link RatisLogging} names.
 * Ratis repeats its warnings for as long as a peer is unreachable (every retry, with a stack trace),
 * so a warning or error is written as one line (the exception's text, no stack trace unless TRACE is
 * enabled) and the same warning again (the same message with other numbers) at most once per
 * {@value #REPEAT_SECONDS} s. Thread-safe.
 */
final class SystemLoggerSink extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;
    static final long REPEAT_SECONDS = 30;
    private static final int MAX_REMEMBERED = 1000;

    private final transient System.Logger target;
    private final transient Map<String, Long> lastWarned = new ConcurrentHashMap<>();

    SystemLoggerSink(String name, System.Logger target) {
        this.name = name;
        this.target = target;
    }

    /** The System.Logger level an SLF4J level is written at: Ratis' INFO is chatter, so DEBUG. */
    static System.Logger.Level level(Level level) {
        return switch (level) {
            case ERROR -> System.Logger.Level.ERROR;
            case WARN -> System.Logger.Level.WARNING;
            case INFO -> System.Logger.Level.DEBUG;
            case DEBUG, TRACE -> System.Logger.Level.TRACE;
        };
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        System.Logger.Level to = level(level);
        if (level.compareTo(Level.WARN) > 0) {
            target.log(to, message, throwable);
        } else if (firstInAWhile(message, throwable)) {
            if (throwable != null && target.isLoggable(System.Logger.Level.TRACE)) {
                target.log(to, message, throwable);
            } else {
                target.log(to, throwable == null ? message : message + ": " + throwable);
            }
        }
    }

    /** Whether a warning of this shape (digits and ids left out) was not written in the last while. */
    private boolean firstInAWhile(String message, Throwable throwable) {
        String text = message.length() > 80 ? message.substring(0, 80) : message;
        String shape = text.replaceAll("[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*", "#") + (throwable == null ? "" : throwable.getClass().getName());
        long now = System.nanoTime();
        Long last = lastWarned.get(shape);
        if (last != null && now - last < TimeUnit.SECONDS.toNanos(REPEAT_SECONDS)) {
            return false;
        }
        if (lastWarned.size() >= MAX_REMEMBERED) {
            lastWarned.clear();
        }
        lastWarned.put(shape, now);
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return target.isLoggable(level(Level.TRACE));
    }

    @Override
    public boolean isDebugEnabled() {
        return target.isLoggable(level(Level.DEBUG));
    }

    @Override
    public boolean isInfoEnabled() {
        return target.isLoggable(level(Level.INFO));
    }

    @Override
    public boolean isWarnEnabled() {
        return target.isLoggable(level(Level.WARN));
    }

    @Override
    public boolean isErrorEnabled() {
        return target.isLoggable(level(Level.ERROR));
    }
}
