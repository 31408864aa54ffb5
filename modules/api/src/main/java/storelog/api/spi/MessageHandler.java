package storelog.api.spi;

import java.util.List;

/** Receives a subscription's messages; see {@link Connector} for ordering and failure rules. */
@FunctionalInterface
public interface MessageHandler {

    /** Handles one message; returning means it is handled and may be acknowledged. */
    void handle(Message message) throws Exception;

    /**
     * Handles messages that arrived together, in order (connectors backed by a broker call this with
     * each poll's messages of one broker partition, so a handler can store many with one fsync).
     * Returning means all are handled. The default handles them one by one.
     *
     * @throws BatchFailure when only a leading part was handled: the connector acknowledges that part
     *                      and delivers the rest again
     */
    default void handleAll(List<Message> messages) throws BatchFailure {
        for (int i = 0; i < messages.size(); i++) {
            try {
                handle(messages.get(i));
            } catch (Exception e) {
                throw new BatchFailure(i, e);
            }
        }
    }
}
