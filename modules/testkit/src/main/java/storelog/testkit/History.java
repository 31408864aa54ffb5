package storelog.testkit;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What clients did to a cluster during a test, operation by operation, for {@link HistoryChecker}:
 * every publish with its outcome (acknowledged at an offset, failed cleanly, or unknown: no answer, so
 * it may or may not be stored) and every read with what it returned, each with its start and end time
 * ({@link System#nanoTime()}). Payloads are unique ids chosen by the clients, so each record of the
 * logs can be traced back to the publish that wrote it. Thread-safe.
 */
public final class History {

    /** How a publish ended. */
    public enum Outcome {
        /** Answered 200 with an offset: must survive at that offset. */
        ACKNOWLEDGED,
        /** Answered with a clean error: must not be stored. */
        FAILED,
        /** No answer (timeout, reset, a 503 saying it is stored on the leader only): stored at most once. */
        UNKNOWN
    }

    /** One publish; {@code offset} is -1 unless acknowledged; {@code detail}: why it failed or is unknown (else empty). */
    public record Publish(String client, String partition, String payload, Outcome outcome, long offset, long start, long end,
                          String detail) {
    }

    /** One read that returned {@code payload} at {@code offset} of {@code partition}. */
    public record Read(String client, String partition, long offset, String payload, long start, long end) {
    }

    private final ConcurrentLinkedQueue<Publish> publishes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();

    /** The clock of every operation's start and end. */
    public static long now() {
        return System.nanoTime();
    }

    public void acknowledged(String client, String partition, String payload, long offset, long start) {
        acknowledged(client, partition, payload, offset, start, "");
    }

    /** An acknowledged publish; {@code detail} says by whom (a node) for the report. */
    public void acknowledged(String client, String partition, String payload, long offset, long start, String detail) {
        publishes.add(new Publish(client, partition, payload, Outcome.ACKNOWLEDGED, offset, start, now(), detail));
    }

    public void failed(String client, String partition, String payload, long start, String detail) {
        publishes.add(new Publish(client, partition, payload, Outcome.FAILED, -1, start, now(), detail));
    }

    public void unknown(String client, String partition, String payload, long start, String detail) {
        publishes.add(new Publish(client, partition, payload, Outcome.UNKNOWN, -1, start, now(), detail));
    }

    public void read(String client, String partition, long offset, String payload, long start) {
        reads.add(new Read(client, partition, offset, payload, start, now()));
    }

    public List<Publish> publishes() {
        return List.copyOf(publishes);
    }

    public List<Read> reads() {
        return List.copyOf(reads);
    }

    /** Publishes that ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return publishes.stream().filter(p -> p.outcome() == outcome).count();
    }
}
