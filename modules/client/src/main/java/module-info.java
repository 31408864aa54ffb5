/**
 * The StoreLog Java client (API.md §4): publish, batch, read, range, tail, leader-following; JDK
 * {@code java.net.http} and Jackson only, no Helidon.
 */
module storelog.client {
    requires transitive storelog.api;
    requires transitive java.net.http;
    requires com.fasterxml.jackson.databind;

    exports storelog.client;
}
