/**
 * StoreLog's entities and service provider interfaces.
 *
 * <p>{@code storelog.api} holds the values every part of StoreLog speaks in (records, partition keys,
 * data types, settings) and the typed exceptions. {@code storelog.api.spi} holds the four plugin
 * contracts: storage engines, connectors, leader electors and discovery. Plugins {@code requires}
 * this module and {@code provides} one of the {@code *Provider} interfaces; the core {@code uses} them.
 * This module depends on nothing but {@code java.base}.
 */
module storelog.api {
    exports storelog.api;
    exports storelog.api.spi;
}
