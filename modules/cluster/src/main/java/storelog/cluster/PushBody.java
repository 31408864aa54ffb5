package storelog.cluster;

import storelog.core.ReplicaPush;
import storelog.core.ReplicateFrame;
import storelog.core.WireFormat;

/**
 * The body a leader pushes records to one follower in: {@link ReplicateFrame} by default, JSON to a
 * follower that refuses it (a node of an earlier version, during a rolling upgrade). Both carry the
 * same fields and store the same bytes; binary only costs less CPU on both sides.
 */
enum PushBody {
    BINARY(ReplicateFrame.MEDIA_TYPE) {
        @Override
        byte[] encode(ReplicaPush push) {
            return ReplicateFrame.encode(push);
        }
    },
    JSON("application/json") {
        @Override
        byte[] encode(ReplicaPush push) {
            return WireFormat.replicateJson(push);
        }
    };

    private final String contentType;

    PushBody(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    abstract byte[] encode(ReplicaPush push);

    /**
     * Whether an answer to a binary push says the follower does not read it: 415 (a node that takes
     * only JSON) or 400 {@code unsupported_version} (one that reads another version of the frame).
     */
    static boolean refusesBinary(int status, Object code) {
        return status == 415 || (status == 400 && "unsupported_version".equals(code));
    }
}
