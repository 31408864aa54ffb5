package storelog.discovery.dns;

import org.junit.jupiter.api.AfterEach;
import storelog.testkit.TestDnsServer;

/** A test of discoveries against a test DNS server: both are closed after each test, the discoveries first. */
abstract class AgainstTestDnsServer {

    final TestDnsServer dns = TestDnsServer.start();
    final Discoveries discoveries = new Discoveries();
    final LogRecorder log = new LogRecorder();

    @AfterEach
    void closeDiscoveriesAndServer() {
        discoveries.close();
        dns.close();
    }
}
