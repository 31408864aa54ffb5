package storelog.elector.redis;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The two platform daemon threads of a {@link RedisLeaseElector} (its javadoc says why two, and why
 * platform and daemon): the <em>elector thread</em>, a one-thread scheduler that never blocks, and the
 * <em>I/O thread</em>, which runs the Redis commands one at a time. Both run under the plugin's class
 * loader (Jedis and SLF4J look things up through it). A task given once they stop is dropped.
 * Thread-safe.
 */
final class LeaseThreads {

    private static final Logger LOG = System.getLogger(LeaseThreads.class.getName());

    private final String nodeId;
    /** How long a stop waits for a thread: a command in flight ends within its timeouts. */
    private final Duration stopBound;
    private final ScheduledThreadPoolExecutor loop;
    private final ExecutorService io;
    private volatile Thread loopThread;

    LeaseThreads(String nodeId, long commandTimeoutMillis) {
        this.nodeId = nodeId;
        this.stopBound = Duration.ofMillis(4L * commandTimeoutMillis + 1_000);
        this.loop = new ScheduledThreadPoolExecutor(1, threads("storelog-redis-elector-" + nodeId, true));
        loop.setRemoveOnCancelPolicy(true);
        loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.io = Executors.newSingleThreadExecutor(threads("storelog-redis-io-" + nodeId, false));
    }

    /** Runs {@code task} on the elector thread. */
    void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing more to tell
        }
    }

    /** Schedules {@code task} on the elector thread; null once stopped. */
    ScheduledFuture<?> later(Runnable task, long delayNanos) {
        try {
            return loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Runs {@code command} on the I/O thread and hands its reply to {@code handler} on the elector
     * thread; false when the I/O thread has stopped (nothing was sent).
     */
    <T> boolean send(Supplier<T> command, Consumer<Reply<T>> handler) {
        try {
            io.execute(() -> {
                Reply<T> reply = call(command);
                onLoop(() -> handler.accept(reply));
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** A command outside the rounds (release, raising the epoch): best effort, failures logged. */
    void sendAndForget(String what, Runnable command) {
        try {
            io.execute(() -> {
                Reply<Object> reply = call(() -> {
                    command.run();
                    return null;
                });
                if (!reply.answered()) {
                    LOG.log(Level.DEBUG, "node {0}: {1} failed: {2}", nodeId, what, reply.failure().toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: the lease expires by itself
        }
    }

    private static <T> Reply<T> call(Supplier<T> command) {
        long sent = System.nanoTime();
        try {
            T value = command.get();
            return new Reply<>(value, null, sent, System.nanoTime());
        } catch (RuntimeException e) {
            return new Reply<>(null, e, sent, System.nanoTime());
        }
    }

    /** Runs {@code task} on the I/O thread, as is (tests). */
    CompletableFuture<Void> onIoThread(Runnable task) {
        return CompletableFuture.runAsync(task, io);
    }

    /** Runs {@code task} on the elector thread, as is (tests). */
    CompletableFuture<Void> onElectorThread(Runnable task) {
        return CompletableFuture.runAsync(task, loop);
    }

    /**
     * Stops the elector thread after the tasks due now; waits for it unless called on it (by the
     * listener: the thread then ends when it returns).
     */
    void stopLoop() {
        loop.shutdown();
        if (Thread.currentThread() != loopThread) {
            await(loop);
        }
    }

    /** Stops the I/O thread after the commands queued and then {@code last}, and waits for it. */
    void stopIo(Runnable last) {
        io.execute(last);
        io.shutdown();
        await(io);
    }

    /** Stops both threads at once, dropping what is queued (a crash, for tests). */
    void kill() {
        loop.shutdownNow();
        io.shutdownNow();
        await(loop);
        await(io);
    }

    private void await(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(stopBound.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                LOG.log(Level.WARNING, "node {0}: a redis elector thread did not stop within {1} ms", nodeId,
                        stopBound.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ThreadFactory threads(String name, boolean electorThread) {
        ClassLoader plugin = LeaseThreads.class.getClassLoader();
        return task -> {
            Thread thread = Thread.ofPlatform().name(name).daemon().unstarted(task);
            thread.setContextClassLoader(plugin); // Jedis and SLF4J look things up through it
            if (electorThread) {
                loopThread = thread;
            }
            return thread;
        };
    }
}
