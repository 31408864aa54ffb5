package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DnsjavaLoggingTest {

    @Test
    void slf4jFindsThePluginsProviderForDnsjavasLoggers() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(DnsjavaLogging.class);
        assertThat(LoggerFactory.getLogger("org.xbill.DNS.ResolverConfig")).isInstanceOf(DnsjavaLogging.Bridge.class)
                .extracting(org.slf4j.Logger::getName).isEqualTo("org.xbill.DNS.ResolverConfig");
    }

    @Test
    void dnsjavasLinesKeepTheirLevelAndArgumentsAndFailure() {
        LogRecorder recorder = new LogRecorder();
        DnsjavaLogging.Bridge logger = new DnsjavaLogging.Bridge("org.xbill.DNS.test", recorder);
        IllegalStateException failure = new IllegalStateException("boom");

        logger.error("broken {}", "pipe");
        logger.warn("Failed to initialize provider {} after {} tries", "resolv.conf", 2, failure);
        logger.info("plain");
        logger.debug("Sending {}/{}", "storelog.test.", "SRV");
        logger.trace("wire {}", "...");

        assertThat(recorder.lines()).containsExactly(
                new LogRecorder.Line(Level.ERROR, "broken pipe", null),
                new LogRecorder.Line(Level.WARNING, "Failed to initialize provider resolv.conf after 2 tries", failure),
                new LogRecorder.Line(Level.INFO, "plain", null),
                new LogRecorder.Line(Level.DEBUG, "Sending storelog.test./SRV", null),
                new LogRecorder.Line(Level.TRACE, "wire ...", null));
    }
}
