package storelog.cluster;

import java.util.HashMap;
import java.util.Map;
import storelog.api.PartitionKey;

/**
 * The {@code /replicate} requests in flight to one follower (docs/cluster.md "Push"): at most
 * {@code limit} of them, over all partitions, so the leader holds at most that many batches for the
 * follower. Per partition a <em>lane</em> knows where the next request starts ({@link #next}: the end
 * of the last one sent, or where the two logs agree after a mismatch) and the follower's end as it last
 * said ({@link #theirs}).
 *
 * <p>Successive batches of a partition are sent without waiting for each other; the follower applies
 * them in offset order. An error or a mismatch {@linkplain #reset resets} the lane: what is in flight
 * for it is dropped — still counted against the limit until its answer or failure comes back, since
 * its batch is held until then, but its answer is ignored ({@link #completed} returns false). The
 * follower checks every request on its own (epoch, position, log matching), so a dropped request that
 * still lands stores only the leader's records at their offsets; the leader just does not count it.
 *
 * <p>A request that reaches the leader's end when sent with some records but less than a full batch is
 * <em>partial</em> (it took what there was); the stream keeps at most one partial request of a partition in flight
 * ({@link #partialInFlight}), as Nagle's algorithm keeps one small segment: records appended meanwhile
 * go in one request once its answer comes back, instead of one small request per append. Full batches
 * (a follower that is behind) are pipelined up to the limit.
 *
 * <p>Not thread-safe: used by its stream's thread only.
 */
final class PushWindow {

    /**
     * One request sent.
     *
     * @param endWhenSent the leader's end of the partition when the request was made
     * @param generation  the lane's generation then: an answer counts only while it is the lane's
     */
    record Push(PartitionKey partition, long from, int count, long endWhenSent, long generation) {
        long end() {
            return from + count;
        }

        /**
         * It took everything the leader had, and that was some records but less than a full batch. A
         * full batch that happened to reach the end is not partial: counted as one, its answer would
         * clear the lane's mark while the small request sent after it is still in flight, and from then
         * on two small requests would be in flight at a time. Nor is an empty push (the epoch's start,
         * a committed end, a cut): records held behind it would gather nothing it carries, and a
         * waiting {@code ACKS=all} writer would pay its round trip.
         */
        boolean partial() {
            return count > 0 && count < ReplicationSettings.MAX_BATCH_RECORDS && end() >= endWhenSent;
        }
    }

    private static final class Lane {
        long next;
        long theirs;
        long generation;
        int inFlight;
        boolean partialInFlight;
    }

    private final int limit;
    private final Map<PartitionKey, Lane> lanes = new HashMap<>();
    private int inFlight;
    /** Stream-wide, so a lane created again after {@link #clear} never takes a dropped request's generation. */
    private long generations;

    PushWindow(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a window of " + limit + " requests");
        }
        this.limit = limit;
    }

    /** Whether another request may be sent. */
    boolean hasRoom() {
        return inFlight < limit;
    }

    /** Requests sent whose answer has not come back, dropped ones included. */
    int inFlight() {
        return inFlight;
    }

    /** Requests of {@code p} in flight whose answers still count. */
    int inFlight(PartitionKey p) {
        Lane lane = lanes.get(p);
        return lane == null ? 0 : lane.inFlight;
    }

    /** Whether a partial request of {@code p} is in flight whose answer still counts. */
    boolean partialInFlight(PartitionKey p) {
        Lane lane = lanes.get(p);
        return lane != null && lane.partialInFlight;
    }

    /** Where the next request of {@code p} starts (0 when nothing is known of it). */
    long next(PartitionKey p) {
        Lane lane = lanes.get(p);
        return lane == null ? 0 : lane.next;
    }

    /** The follower's end of {@code p} as it last said ({@link #next} when it said nothing). */
    long theirs(PartitionKey p) {
        Lane lane = lanes.get(p);
        return lane == null ? 0 : lane.theirs;
    }

    /** The follower said it holds {@code theirs}: it still gets its records from {@code next} on. */
    void theirs(PartitionKey p, long theirs) {
        lane(p).theirs = theirs;
    }

    /** Sends {@code p} from {@code next} from now on; drops what is in flight for it. */
    void reset(PartitionKey p, long next, long theirs) {
        Lane lane = lane(p);
        lane.generation = ++generations;
        lane.inFlight = 0;
        lane.partialInFlight = false;
        lane.next = next;
        lane.theirs = theirs;
    }

    /**
     * Drops every request in flight and forgets every lane (after an error, before the follower's
     * state is adopted); the requests in flight stay counted against the limit until they end.
     */
    void clear() {
        lanes.clear();
    }

    /**
     * A request of {@code count} records of {@code p} from {@link #next} is sent (there is room); the
     * next one starts after it.
     */
    Push send(PartitionKey p, int count, long endWhenSent) {
        if (!hasRoom()) {
            throw new IllegalStateException("the window of " + limit + " requests is full");
        }
        Lane lane = lane(p);
        Push push = new Push(p, lane.next, count, endWhenSent, lane.generation);
        lane.next += count;
        lane.inFlight++;
        lane.partialInFlight |= push.partial();
        inFlight++;
        return push;
    }

    /** The answer to {@code push} came back (or it failed): returns whether it still counts. */
    boolean completed(Push push) {
        inFlight--;
        Lane lane = lanes.get(push.partition());
        if (lane == null || lane.generation != push.generation()) {
            return false;
        }
        lane.inFlight--;
        if (push.partial()) {
            lane.partialInFlight = false; // the only one: a second is not sent while it is in flight
        }
        return true;
    }

    private Lane lane(PartitionKey p) {
        Lane lane = lanes.get(p);
        if (lane == null) {
            lane = new Lane();
            lane.generation = ++generations;
            lanes.put(p, lane);
        }
        return lane;
    }
}
