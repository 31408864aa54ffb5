package storelog.discovery.dns;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where dnsjava's own log goes: an SLF4J provider (found by slf4j-api with ServiceLoader in the
 * plugin's layer) that writes to {@link System.Logger}, StoreLog's log, under dnsjava's logger names
 * ({@code org.xbill.DNS...}) and at the same levels (WARN as WARNING). Without it slf4j-api would
 * print a warning at start-up and drop dnsjava's warnings. dnsjava logs each query at DEBUG.
 */
public final class DnsjavaLogging implements SLF4JServiceProvider, ILoggerFactory {

    /** The SLF4J API version this provider is written against. */
    static final String API_VERSION = "2.0.99";

    private final Map<String, Bridge> bridges = new ConcurrentHashMap<>();
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter noMdc = new NOPMDCAdapter();

    public DnsjavaLogging() {
        // found by ServiceLoader
    }

    /** One bridge per logger name, made on first use. */
    @Override
    public org.slf4j.Logger getLogger(String name) {
        return bridges.computeIfAbsent(name, Bridge::new);
    }

    @Override
    public void initialize() {
        // nothing to set up: bridges are made on demand
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    /** dnsjava uses no MDC. */
    @Override
    public MDCAdapter getMDCAdapter() {
        return noMdc;
    }

    /** The System.Logger level an SLF4J level is written at. */
    static Level level(org.slf4j.event.Level level) {
        return switch (level) {
            case ERROR -> Level.ERROR;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.DEBUG;
            case TRACE -> Level.TRACE;
        };
    }

    /** One SLF4J logger writing to the System.Logger of the same name. Thread-safe. */
    static final class Bridge extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;

        private final transient System.Logger target;

        Bridge(String name) {
            this(name, System.getLogger(name));
        }

        Bridge(String name, System.Logger target) {
            this.name = name;
            this.target = target;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String pattern,
                                                   Object[] arguments, Throwable throwable) {
            String message = arguments == null || arguments.length == 0 ? pattern
                    : MessageFormatter.basicArrayFormat(pattern, arguments);
            target.log(level(level), message, throwable);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        public boolean isTraceEnabled() {
            return target.isLoggable(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return target.isLoggable(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return target.isLoggable(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return target.isLoggable(Level.WARNING);
        }

        @Override
        public boolean isErrorEnabled() {
            return target.isLoggable(Level.ERROR);
        }
    }
}
