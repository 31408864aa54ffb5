package storelog.core;

import storelog.api.PartitionKey;

/**
 * How far a follower was behind the leader on one partition when the leader last looked.
 *
 * @param node           the follower's node id
 * @param partition      the partition
 * @param leaderOffset   the leader's next offset
 * @param followerOffset the follower's next offset
 * @param time           when it was observed, epoch ms
 */
public record GapObservation(String node, PartitionKey partition, long leaderOffset, long followerOffset, long time) {

    /** Records the follower lacks. */
    public long gap() {
        return leaderOffset - followerOffset;
    }
}
