package storelog.testkit;

import java.util.concurrent.CompletableFuture;

/** Starting work on another thread in a test, to see whether it blocks and how it ends. */
public final class Async {

    private Async() {
    }

    /** Work that may throw. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /** Runs {@code task} on a new platform daemon thread; the future ends as the task does. */
    public static CompletableFuture<Void> async(Task task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }
}
