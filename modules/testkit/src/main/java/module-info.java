/** Helpers shared by StoreLog's tests (used in test scope only). */
module storelog.testkit {
    requires transitive org.junit.jupiter.api;
    requires java.compiler; // PluginJars compiles small plugin modules at test time

    exports storelog.testkit;
}
