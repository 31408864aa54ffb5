package storelog.api.spi;

/** A running subscription; closing it stops delivery after the message in hand. */
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
