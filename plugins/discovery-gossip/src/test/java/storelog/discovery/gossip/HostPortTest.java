package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({"10.0.0.5:7946, 10.0.0.5, 7946", "node-1.example.com:1, node-1.example.com, 1", "'[::1]:7946', ::1, 7946",
            "'[fe80::1%eth0]:80', fe80::1%eth0, 80", "' host:0 ', host, 0", "h:65535, h, 65535"})
    void hostAndPortAreParsed(String text, String host, int port) {
        assertThat(HostPort.parse(text)).contains(new HostPort(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "host", "host:", ":1", "host:65536", "host:123456", "::1:7946", "[::1]", "a b:1", "host:1,other:2"})
    void textThatIsNotHostAndPortIsNot(String text) {
        assertThat(HostPort.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"'[::1]:7946', '[::1]:7946'", "h:1, h:1"})
    void printedAsWritten(String text, String printed) {
        assertThat(HostPort.parse(text).orElseThrow()).hasToString(printed);
    }
}
