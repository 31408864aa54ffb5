package storelog.elector.redis;

import java.util.Optional;

/**
 * The lease key's value: {@code "<node id> <epoch> <http>"} — who leads, with which fencing epoch,
 * and where its HTTP API is. Written by the win script ({@link LeaseScripts#WIN}), which builds it
 * from the node id and HTTP address it is given and the epoch it computes; node ids therefore must
 * not contain a space (checked when the elector is opened). Renewal and release compare the whole
 * text, so a value is never reused: each win has its own epoch.
 *
 * @param nodeId the holder's {@code NODE_ID}
 * @param epoch  the holder's fencing epoch
 * @param http   the holder's HTTP address (may be empty)
 */
record LeaseValue(String nodeId, long epoch, String http) {

    /** Parses a value read from Redis; empty when it is not one (e.g. written by hand). */
    static Optional<LeaseValue> parse(String text) {
        String[] parts = text.split(" ", 3);
        if (parts.length < 2 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            long epoch = Long.parseLong(parts[1]);
            return epoch < 0 ? Optional.empty() : Optional.of(new LeaseValue(parts[0], epoch, parts.length == 3 ? parts[2] : ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
