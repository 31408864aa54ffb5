/**
 * StoreLog's HTTP API on Helidon SE 4 (API.md §3): routing, JSON mapping, the one error mapper,
 * request limits, health and Prometheus metrics. Handlers are thin: parse and validate, call a
 * {@link storelog.core.LogService} use case, map the result.
 */
module storelog.http {
    requires transitive storelog.core;
    requires transitive io.helidon.webserver;
    requires com.fasterxml.jackson.core;

    exports storelog.http;
}
