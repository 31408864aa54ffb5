/** Helpers shared by StoreLog's tests (used in test scope only). */
module storelog.testkit {
    requires transitive org.junit.jupiter.api;
    requires transitive storelog.api; // Inbox, a connector handler for tests
    requires java.compiler; // PluginJars compiles small plugin modules at test time
    // TestDnsServer's messages; optional: only the tests that use it need dnsjava
    requires static org.dnsjava;

    exports storelog.testkit;
}
