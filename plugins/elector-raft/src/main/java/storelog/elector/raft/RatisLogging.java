package storelog.elector.raft;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where Apache Ratis' own log goes: an SLF4J provider (found by the plugin folder's slf4j-api through
 * {@code META-INF/services}) that sends it on to {@link System.Logger}, StoreLog's log, under Ratis'
 * logger names ({@code org.apache.ratis...}). Without it slf4j-api would print a warning and drop
 * everything, lost peers included.
 *
 * <p>Levels ({@link SystemLoggerSink}): ERROR and WARN stay ERROR and WARNING; INFO becomes DEBUG,
 * because Ratis logs every role change, configuration and connection at INFO; DEBUG and TRACE become
 * TRACE. The elector logs the events that matter (leader, epoch, members) itself.
 */
public final class RatisLogging implements SLF4JServiceProvider {

    /** The SLF4J API version this provider is written against. */
    static final String API_VERSION = "2.0.99";

    private final Map<String, SystemLoggerSink> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, n -> new SystemLoggerSink(n, System.getLogger(n)));
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    public RatisLogging() {
        // found by ServiceLoader
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }

    @Override
    public void initialize() {
        // nothing to set up
    }
}
