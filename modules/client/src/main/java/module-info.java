/**
 * StoreLog's Java client SDK (API.md §4): {@link storelog.client.StoreLogClient} publishes, reads,
 * ranges and tails records over the HTTP API with the JDK's {@code java.net.http} and Jackson, follows
 * the leader hint of a 503 and fails over between nodes. No Helidon.
 *
 * <p>Jackson is read transitively because the SDK's contract uses its types
 * ({@code JsonNode}, {@code ObjectMapper}, {@code TypeReference}).
 */
module storelog.client {
    requires transitive storelog.api;
    requires transitive java.net.http;
    requires transitive com.fasterxml.jackson.databind;

    exports storelog.client;
}
