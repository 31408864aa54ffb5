package storelog.api.spi;

/** Receives a subscription's messages; see {@link Connector} for ordering and failure rules. */
@FunctionalInterface
public interface MessageHandler {

    /** Handles one message; returning means it is handled and may be acknowledged. */
    void handle(Message message) throws Exception;
}
