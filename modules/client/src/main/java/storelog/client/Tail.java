package storelog.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A partition's records from an offset on, as they are published: a blocking {@link Iterator} over
 * long-polls of {@code GET /records?wait_ms=...}. Made by {@link StoreLogClient#tail(String, long)}.
 *
 * <h2>Fetching</h2>
 * Records come in order, each once. The tail asks for the next records only when it has handed out
 * the ones it holds, and each request waits at the server for the first new record (up to the
 * client's tail wait), so an idle tail costs one request per wait, never a polling storm. A partition
 * that does not exist yet is waited for when tailed from offset 0.
 *
 * <h2>How it ends</h2>
 * A tail never ends by itself while the partition lives: {@link #hasNext()} blocks until a record
 * comes. It ends when
 * <ul>
 *   <li>{@link #close()} is called, from any thread (or its {@link StoreLogClient} is closed): the
 *       request in flight is abandoned, a blocked {@link #hasNext()} returns {@code false} promptly,
 *       and so does every later one, also for records already fetched;</li>
 *   <li>a request fails ({@link StoreLogClientException}: no node reachable, an offset past the end,
 *       a partition that does not exist when tailed from past 0, the node shutting down with no other
 *       node to ask — 503 {@code shutting_down}, instead of empty answers to ask again at once):
 *       {@link #hasNext()} throws it once and the tail is closed. {@link #position()} says where to
 *       start a new tail to resume.</li>
 * </ul>
 * {@link #poll(Duration)} waits for at most a given time instead of blocking.
 *
 * <p>One thread consumes a tail ({@link #hasNext()}, {@link #next()}, {@link #poll(Duration)},
 * {@link #stream()}); {@link #close()} may be called from any thread.
 */
public final class Tail implements Iterator<Record>, AutoCloseable {

    /** Where a tail gets its records: one long-poll from an offset. */
    @FunctionalInterface
    interface Source {
        Page fetch(long from, Duration wait, Cancellation cancellation);
    }

    private final Source source;
    private final Duration wait;
    private final Consumer<Tail> onClose;
    private final Cancellation cancellation = new Cancellation();
    private final ArrayDeque<Record> fetched = new ArrayDeque<>();
    private long fetchFrom;
    private final AtomicBoolean closed = new AtomicBoolean();

    Tail(Source source, long from, Duration wait, Consumer<Tail> onClose) {
        if (from < 0) {
            throw new IllegalArgumentException("a tail starts at an offset of 0 or more, not " + from);
        }
        this.source = source;
        this.fetchFrom = from;
        this.wait = wait;
        this.onClose = onClose;
    }

    /**
     * Waits until a record is there (true) or the tail is closed (false).
     *
     * @throws StoreLogClientException when a request fails; the tail is then closed
     */
    @Override
    public boolean hasNext() {
        while (!closed.get()) {
            if (!fetched.isEmpty()) {
                return true;
            }
            fetch(wait);
        }
        return false;
    }

    /**
     * The next record, waiting for it.
     *
     * @throws NoSuchElementException  when the tail is closed
     * @throws StoreLogClientException when a request fails; the tail is then closed
     */
    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the tail is closed");
        }
        return fetched.poll();
    }

    /**
     * The next record if it comes within {@code timeout}; empty when it does not or the tail is closed.
     *
     * @throws StoreLogClientException when a request fails; the tail is then closed
     */
    public Optional<Record> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed.get()) {
            if (!fetched.isEmpty()) {
                return Optional.of(fetched.poll());
            }
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.toMillis() < 1) {
                return Optional.empty();
            }
            fetch(left.compareTo(wait) < 0 ? left : wait);
        }
        return Optional.empty();
    }

    /** The offset of the record {@link #next()} returns next. */
    public long position() {
        Record first = fetched.peek();
        return first == null ? fetchFrom : first.offset();
    }

    /** The records as an ordered stream; closing the stream closes the tail. */
    public Stream<Record> stream() {
        Spliterator<Record> records = Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(records, false).onClose(this::close);
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Ends the tail and abandons its request in flight; idempotent, callable from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        cancellation.cancel();
        onClose.accept(this);
    }

    private void fetch(Duration waitFor) {
        Page page;
        try {
            page = source.fetch(fetchFrom, waitFor, cancellation);
        } catch (CancellationException e) {
            return; // closed meanwhile
        } catch (RuntimeException e) {
            if (closed.get()) {
                return; // the failure is the close (the client shut its connections)
            }
            close();
            throw e;
        }
        if (!closed.get()) {
            fetched.addAll(page.records());
            fetchFrom = page.nextOffset();
        }
    }
}
