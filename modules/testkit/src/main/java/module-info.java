/** Helpers shared by StoreLog's tests (used in test scope only). */
module storelog.testkit {
    requires transitive org.junit.jupiter.api;

    exports storelog.testkit;
}
