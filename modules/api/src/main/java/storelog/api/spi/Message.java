package storelog.api.spi;

import java.util.Objects;

/**
 * A message delivered by a {@link Connector}.
 *
 * @param topic   the topic it came from
 * @param payload its bytes, not copied: do not modify
 * @param source  where it came from, for logs (e.g. {@code storage-topic-0@42} for Kafka)
 */
public record Message(String topic, byte[] payload, String source) {

    public Message {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(source, "source");
    }
}
