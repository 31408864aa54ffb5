/** Helpers shared by StoreLog's tests (used in test scope only). */
module storelog.testkit {
    requires transitive org.junit.jupiter.api;
    requires transitive storelog.api; // Inbox, a connector handler for tests
    requires java.compiler; // PluginJars compiles small plugin modules at test time

    exports storelog.testkit;
}
