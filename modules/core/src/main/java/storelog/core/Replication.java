package storelog.core;

import storelog.api.PartitionKey;

/**
 * What a client write waits for beyond the leader's own storage (the {@code ACKS} rule): the
 * leader's replicator implements it; a standalone node, or {@code ACKS=leader}, waits for nothing.
 * Thread-safe; {@link #awaitAcknowledged} blocks the writing thread (a virtual thread).
 */
public interface Replication {

    /** Nothing to wait for. */
    Replication NONE = new Replication() {
        @Override
        public void beforeWrite(PartitionKey partition) {
        }

        @Override
        public void awaitAcknowledged(PartitionKey partition, long end) {
        }
    };

    /**
     * Before a client write is stored: refuses it when the acknowledgement rule cannot be met now.
     *
     * @throws NotEnoughReplicasException when too few nodes are in sync (nothing is stored)
     */
    void beforeWrite(PartitionKey partition);

    /**
     * After a client write was stored on this node up to {@code end} (exclusive): returns once the
     * acknowledgement rule holds for it.
     *
     * @throws NotEnoughReplicasException when it cannot hold any more (the write is stored on this
     *                                    node but not acknowledged: its outcome is unknown to the client)
     * @throws NotLeaderException         when this node stopped leading while it waited
     */
    void awaitAcknowledged(PartitionKey partition, long end);
}
