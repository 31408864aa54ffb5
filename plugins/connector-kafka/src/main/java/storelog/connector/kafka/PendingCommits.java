package storelog.connector.kafka;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A subscription's handled records that are not committed yet, by partition: the offset to commit
 * and how many records that commits. {@link #commit()} commits them after each poll's batch; a failed
 * commit keeps them for the next one. As the consumer's rebalance listener it commits what was
 * handled of partitions that move to another consumer, and drops (to be delivered again) what was
 * handled of partitions lost. Consumer thread only (rebalance callbacks run inside poll and close).
 */
final class PendingCommits implements ConsumerRebalanceListener {

    private static final Logger LOG = System.getLogger(PendingCommits.class.getName());
    /** How long a commit may take. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String group;
    private final Counters counters;
    private final RetryStreak commitFailures;
    private final Map<TopicPartition, Pending> pending = new HashMap<>();

    private record Pending(long nextOffset, long count) {
        Pending plus(Pending later) {
            return new Pending(Math.max(nextOffset, later.nextOffset), count + later.count);
        }
    }

    /**
     * @param subscription the subscription's name, for logs
     */
    PendingCommits(KafkaConsumer<byte[], byte[]> consumer, String subscription, String group, Counters counters) {
        this.consumer = consumer;
        this.group = group;
        this.counters = counters;
        this.commitFailures = new RetryStreak("committing of " + subscription,
                "the handled messages stay pending and are committed with the next commit");
    }

    /** {@code count} more records of {@code partition} were handled, the last of them at {@code nextOffset - 1}. */
    void handled(TopicPartition partition, long nextOffset, long count) {
        pending.merge(partition, new Pending(nextOffset, count), Pending::plus);
    }

    /** Commits the handled records; on failure they stay pending for the next commit. */
    void commit() {
        if (pending.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long count = 0;
        for (Map.Entry<TopicPartition, Pending> entry : pending.entrySet()) {
            offsets.put(entry.getKey(), new OffsetAndMetadata(entry.getValue().nextOffset()));
            count += entry.getValue().count();
        }
        try {
            commitSync(offsets);
        } catch (KafkaException e) {
            counters.commitFailures.increment();
            commitFailures.failed(null, e);
            return;
        }
        pending.clear();
        counters.committed.add(count);
        commitFailures.succeeded(null);
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            // the wakeup of a close that came while the handler ran: commit anyway
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (InterruptException e) {
            Thread.interrupted();
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        }
    }

    /** Commits what was handled of partitions that move to another consumer. */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long count = 0;
        for (TopicPartition partition : partitions) {
            Pending handled = pending.remove(partition);
            if (handled != null) {
                offsets.put(partition, new OffsetAndMetadata(handled.nextOffset()));
                count += handled.count();
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            commitSync(offsets);
            counters.committed.add(count);
        } catch (KafkaException e) {
            counters.commitFailures.increment();
            LOG.log(Level.WARNING, count + " handled message(s) of " + offsets.keySet() + " could not be committed"
                    + " before the partitions moved to another consumer of group " + group
                    + "; they will be delivered again: " + e);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        long count = 0;
        for (TopicPartition partition : partitions) {
            Pending handled = pending.remove(partition);
            count += handled == null ? 0 : handled.count();
        }
        if (count > 0) {
            LOG.log(Level.WARNING, "partitions " + partitions + " of group " + group + " were lost before " + count
                    + " handled message(s) were committed; they will be delivered again");
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // delivery starts at the group's committed offsets
    }
}
