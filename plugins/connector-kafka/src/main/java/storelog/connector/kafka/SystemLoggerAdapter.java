package storelog.connector.kafka;

import java.lang.System.Logger.Level;
import org.slf4j.Marker;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One SLF4J logger written to a {@link System.Logger}, with the levels of {@link KafkaClientLogging}:
 * ERROR → ERROR, WARN → WARNING, INFO → DEBUG, DEBUG and TRACE → TRACE. Thread-safe.
 */
final class SystemLoggerAdapter extends AbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient System.Logger target;

    SystemLoggerAdapter(String name, System.Logger target) {
        this.name = name;
        this.target = target;
    }

    /** The System.Logger level an SLF4J level is written at. */
    static Level level(org.slf4j.event.Level level) {
        return switch (level) {
            case ERROR -> Level.ERROR;
            case WARN -> Level.WARNING;
            case INFO -> Level.DEBUG;
            case DEBUG, TRACE -> Level.TRACE;
        };
    }

    @Override
    protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String pattern,
                                               Object[] arguments, Throwable throwable) {
        String message = arguments == null || arguments.length == 0 ? pattern
                : MessageFormatter.basicArrayFormat(pattern, arguments);
        if (throwable == null) {
            target.log(level(level), message);
        } else {
            target.log(level(level), message, throwable);
        }
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    private boolean enabled(org.slf4j.event.Level level) {
        return target.isLoggable(level(level));
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(org.slf4j.event.Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(org.slf4j.event.Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(org.slf4j.event.Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(org.slf4j.event.Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(org.slf4j.event.Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return isErrorEnabled();
    }
}
