package storelog.core;

import java.util.Objects;
import storelog.api.DataType;

/**
 * What a client publishes: a data type and the bytes to store. The service checks the bytes against
 * the type and stamps the time.
 */
public record Payload(DataType type, byte[] bytes) {

    public Payload {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(bytes, "bytes");
    }
}
