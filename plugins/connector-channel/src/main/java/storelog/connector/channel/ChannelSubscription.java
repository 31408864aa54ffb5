package storelog.connector.channel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;
import storelog.api.spi.Subscription;

/**
 * One subscription of a {@link Topic}: its bounded FIFO queue and its delivery thread (a virtual
 * thread), which hands the queued messages to the handler one at a time, in topic order. A handler
 * that throws does not stop delivery (see {@link HandlerFailures}); only a
 * {@link VirtualMachineError} does, and then the subscription closes itself so publishers do not
 * wait on a queue nobody empties.
 *
 * <p>{@link #close()} stops delivery after the message in hand and drops the messages still queued
 * for it; it waits up to {@link #CLOSE_WAIT_NANOS} for the message in hand (not when called by the
 * handler itself). Idempotent and thread-safe.
 */
final class ChannelSubscription implements Subscription {

    private static final Logger LOG = System.getLogger(ChannelSubscription.class.getName());
    /** How long a close waits for the message in hand. */
    static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Topic topic;
    private final long id;
    private final MessageHandler handler;
    private final Counters counters;
    private final HandlerFailures failures;
    private final Thread thread;

    /** Messages waiting for the handler; guarded by the topic's lock. */
    final ArrayDeque<Message> queue = new ArrayDeque<>();
    /** Signalled, on the topic's lock, when the queue gets a message or the subscription stops. */
    final Condition ready;
    /** Set, under the topic's lock, when the subscription is closed. */
    boolean stopped;

    ChannelSubscription(Topic topic, long id, MessageHandler handler, Condition ready, Counters counters) {
        this.topic = topic;
        this.id = id;
        this.handler = handler;
        this.ready = ready;
        this.counters = counters;
        this.failures = new HandlerFailures(toString(), counters);
        this.thread = Thread.ofVirtual().name("storelog-channel-" + this).unstarted(this::deliver);
    }

    void start() {
        thread.start();
    }

    /** Queues a message; under the topic's lock, which has checked there is room. */
    void enqueue(Message message) {
        queue.add(message);
        ready.signal();
    }

    private void deliver() {
        try {
            for (Message message = topic.take(this); message != null; message = topic.take(this)) {
                handle(message);
                Thread.interrupted(); // a handler's leftover interrupt must not stop the next wait
            }
        } catch (InterruptedException e) {
            LOG.log(Level.WARNING, "delivery of " + this + " was interrupted; the subscription is closed");
        } finally {
            topic.unsubscribe(this); // no-op after a close; after a VirtualMachineError, frees the publishers
            failures.summarise();
        }
    }

    private void handle(Message message) {
        try {
            handler.handle(message);
        } catch (VirtualMachineError e) {
            counters.delivered.increment();
            counters.handlerFailures.increment();
            LOG.log(Level.ERROR, "handler of " + this + " failed on " + message.source()
                    + " with a virtual machine error; the subscription is closed and its queued messages dropped", e);
            throw e;
        } catch (Exception | Error e) {
            failures.record(message, e);
        }
        counters.delivered.increment();
    }

    /** Stops delivery after the message in hand, dropping the messages still queued for it. */
    @Override
    public void close() {
        topic.unsubscribe(this);
        awaitDone(System.nanoTime() + CLOSE_WAIT_NANOS);
    }

    /**
     * Waits until the delivery thread has ended or {@code deadline} ({@link System#nanoTime()}) passes;
     * returns at once on the delivery thread itself.
     *
     * @return whether the thread has ended (or is the caller)
     */
    boolean awaitDone(long deadline) {
        if (Thread.currentThread() == thread) {
            return true;
        }
        try {
            long remaining = deadline - System.nanoTime();
            return remaining > 0 ? thread.join(java.time.Duration.ofNanos(remaining)) : !thread.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    /** {@code topic#id}, for logs and thread names. */
    @Override
    public String toString() {
        return topic.name() + "#" + id;
    }
}
