package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaClientLoggingTest {

    private record Entry(Level level, String message, Throwable thrown) {
    }

    /** A System.Logger that records what it is given, with DEBUG and above enabled. */
    private static final class Recorder implements System.Logger {
        final List<Entry> entries = new ArrayList<>();

        @Override
        public String getName() {
            return "recorder";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.DEBUG.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            entries.add(new Entry(level, message, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            entries.add(new Entry(level, format, null));
        }
    }

    @Test
    void slf4jFindsThePluginsProvider() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(KafkaClientLogging.Loggers.class);
        assertThat(LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient")).isInstanceOf(SystemLoggerAdapter.class);
    }

    @Test
    void warningsStayWarningsAndInfoBecomesDebug() {
        Recorder recorder = new Recorder();
        SystemLoggerAdapter logger = new SystemLoggerAdapter("org.apache.kafka.test", recorder);
        IllegalStateException failure = new IllegalStateException("boom");

        logger.error("broken {}", "pipe");
        logger.warn("node {} unreachable after {} ms", 1, 500, failure);
        logger.info("ConsumerConfig values: {}", "...");
        logger.debug("not shown");
        logger.trace("not shown either");

        assertThat(recorder.entries).containsExactly(
                new Entry(Level.ERROR, "broken pipe", null),
                new Entry(Level.WARNING, "node 1 unreachable after 500 ms", failure),
                new Entry(Level.DEBUG, "ConsumerConfig values: ...", null));
        assertThat(logger.isWarnEnabled()).isTrue();
        assertThat(logger.isInfoEnabled()).isTrue();
        assertThat(logger.isDebugEnabled()).isFalse();
        assertThat(logger.getName()).isEqualTo("org.apache.kafka.test");
    }
}
