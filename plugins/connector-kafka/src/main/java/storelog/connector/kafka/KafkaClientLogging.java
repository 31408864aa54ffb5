package storelog.connector.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where kafka-clients' own log goes: an SLF4J provider (found by slf4j-api with ServiceLoader in the
 * plugin's layer) that sends it on to {@link System.Logger}, StoreLog's log, under the same logger
 * names ({@code org.apache.kafka...}). Without it slf4j-api would print a warning and drop
 * everything, broker connection failures included.
 *
 * <p>Levels: ERROR and WARN stay ERROR and WARNING; INFO becomes DEBUG, because kafka-clients logs its
 * whole configuration and every group event at INFO; DEBUG and TRACE become TRACE. Raise the
 * {@code org.apache.kafka} loggers' level to see more.
 */
public final class KafkaClientLogging implements SLF4JServiceProvider {

    /** The SLF4J API version this provider is written against. */
    static final String API_VERSION = "2.0.99";

    private final ILoggerFactory loggers = new Loggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    public KafkaClientLogging() {
        // found by ServiceLoader
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
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

    /** One adapter per logger name. */
    static final class Loggers implements ILoggerFactory {
        private final Map<String, SystemLoggerAdapter> byName = new ConcurrentHashMap<>();

        @Override
        public org.slf4j.Logger getLogger(String name) {
            return byName.computeIfAbsent(name, n -> new SystemLoggerAdapter(n, System.getLogger(n)));
        }
    }
}
