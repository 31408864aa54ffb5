package storelog.connector.channel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.spi.ConnectorException;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;

/**
 * One in-process topic: its subscriptions, its backlog, and the locks that give all of them one
 * message order. Policies are documented on {@link ChannelConnector}. Thread-safe.
 *
 * <p>Two locks: publishers first take their {@link #turn} (a fair lock, so they go in the order they
 * arrived and only the first of them ever waits for room), then the {@link #lock} that guards the
 * subscription list, the backlog and every subscription's queue. The lock is held only to move
 * messages, never while a handler runs.
 */
final class Topic {

    private final String name;
    private final ChannelConfig config;
    private final Counters counters;
    /** The connector's closed flag, read under {@link #lock}. */
    private final AtomicBoolean connectorClosed;

    /** Publishers' turn, first come first served. */
    private final ReentrantLock turn = new ReentrantLock(true);
    /** Guards everything below and every subscription's queue. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a full queue frees a slot or a subscription goes away. */
    private final Condition room = lock.newCondition();
    private final List<ChannelSubscription> subscriptions = new ArrayList<>();
    /** Messages published while there is no subscription, for the next subscription. */
    private ArrayDeque<Message> backlog = new ArrayDeque<>();
    /** Number of the next message, for {@link Message#source()}. */
    private long sequence;
    private long nextSubscriptionId;

    Topic(String name, ChannelConfig config, Counters counters, AtomicBoolean connectorClosed) {
        this.name = name;
        this.config = config;
        this.counters = counters;
        this.connectorClosed = connectorClosed;
    }

    String name() {
        return name;
    }

    /**
     * Appends {@code payload} (not copied) to every subscription's queue, or to the backlog when
     * there is none, waiting up to the publish timeout while any of them is full.
     *
     * @throws ConnectorException    when the wait passes, or the publisher is interrupted
     * @throws IllegalStateException when the connector is closed
     */
    void publish(byte[] payload) {
        long start = System.nanoTime();
        long timeout = config.publishTimeoutNanos();
        try {
            if (timeout == 0) {
                turn.lockInterruptibly(); // held only to move a message: nobody waits for room
            } else if (!turn.tryLock(timeout, TimeUnit.NANOSECONDS)) {
                throw rejected("earlier publishes to it were still waiting for room");
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        try {
            lock.lock();
            try {
                for (String full = fullQueue(); full != null; full = fullQueue()) {
                    long remaining = timeout - (System.nanoTime() - start);
                    if (remaining <= 0) {
                        throw rejected("no room in " + full);
                    }
                    room.awaitNanos(remaining);
                }
                Message message = new Message(name, payload, name + "@" + sequence++);
                if (subscriptions.isEmpty()) {
                    backlog.add(message);
                } else {
                    for (ChannelSubscription subscription : subscriptions) {
                        subscription.enqueue(message);
                    }
                }
                counters.published.increment();
            } catch (InterruptedException e) {
                throw interrupted(e);
            } finally {
                lock.unlock();
            }
        } finally {
            turn.unlock();
        }
    }

    /** The full queue a publish would wait for, or null when all have room; checks the connector is open. Under {@link #lock}. */
    private String fullQueue() {
        ensureOpen();
        if (subscriptions.isEmpty()) {
            return backlog.size() >= config.capacity() ? "its backlog (it has no subscription)" : null;
        }
        for (ChannelSubscription subscription : subscriptions) {
            if (subscription.queue.size() >= config.capacity()) {
                return "the queue of subscription " + subscription;
            }
        }
        return null;
    }

    private ConnectorException rejected(String why) {
        counters.rejected.increment();
        return new ConnectorException("channel topic '" + name + "' is full: " + why + " after "
                + config.publishTimeoutMillis() + " ms (" + ChannelConfig.CAPACITY + "=" + config.capacity()
                + ", " + ChannelConfig.PUBLISH_TIMEOUT_MS + "=" + config.publishTimeoutMillis() + ")", null);
    }

    private ConnectorException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ConnectorException("publish to channel topic '" + name + "' was interrupted", e);
    }

    private void ensureOpen() {
        if (connectorClosed.get()) {
            throw new IllegalStateException("channel connector is closed");
        }
    }

    /**
     * Adds a subscription and starts its delivery; the first subscription after a time without any
     * takes over the backlog.
     *
     * @throws IllegalStateException when the connector is closed
     */
    ChannelSubscription subscribe(MessageHandler handler) {
        lock.lock();
        try {
            ensureOpen();
            ChannelSubscription subscription = new ChannelSubscription(this, nextSubscriptionId++, handler,
                    lock.newCondition(), counters);
            if (subscriptions.isEmpty() && !backlog.isEmpty()) {
                subscription.queue.addAll(backlog); // fits: both hold at most the capacity
                backlog = new ArrayDeque<>();
            }
            subscriptions.add(subscription);
            subscription.start();
            return subscription;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next message for {@code subscription}, waiting for one; null once it is stopped.
     *
     * @throws InterruptedException when its delivery thread is interrupted while waiting
     */
    Message take(ChannelSubscription subscription) throws InterruptedException {
        lock.lock();
        try {
            while (subscription.queue.isEmpty() && !subscription.stopped) {
                subscription.ready.await();
            }
            if (subscription.stopped) {
                return null;
            }
            if (subscription.queue.size() >= config.capacity()) {
                room.signalAll(); // at most one publisher waits: the one whose turn it is
            }
            return subscription.queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops {@code subscription} and drops its queued messages. Idempotent. */
    void unsubscribe(ChannelSubscription subscription) {
        lock.lock();
        try {
            if (subscriptions.remove(subscription)) {
                stop(subscription);
                room.signalAll(); // a publisher may have been waiting for this queue
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops every subscription, drops every queued message and wakes a waiting publisher; returns the stopped subscriptions. */
    List<ChannelSubscription> close() {
        lock.lock();
        try {
            List<ChannelSubscription> stopped = List.copyOf(subscriptions);
            stopped.forEach(this::stop);
            subscriptions.clear();
            counters.dropped.add(backlog.size());
            backlog.clear();
            room.signalAll();
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    /** Under {@link #lock}. */
    private void stop(ChannelSubscription subscription) {
        subscription.stopped = true;
        counters.dropped.add(subscription.queue.size());
        subscription.queue.clear();
        subscription.ready.signal();
    }

    /** Messages now waiting in the backlog and the subscriptions' queues. */
    long queued() {
        lock.lock();
        try {
            long queued = backlog.size();
            for (ChannelSubscription subscription : subscriptions) {
                queued += subscription.queue.size();
            }
            return queued;
        } finally {
            lock.unlock();
        }
    }
}
