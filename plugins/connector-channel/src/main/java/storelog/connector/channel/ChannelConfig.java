package storelog.connector.channel;

import java.util.concurrent.TimeUnit;
import storelog.api.Settings;

/**
 * The channel connector's settings.
 *
 * @param capacity             {@code CHANNEL_CAPACITY}: messages each subscription queue, and each
 *                             topic backlog, holds at most (default 1024, from 1)
 * @param publishTimeoutMillis {@code CHANNEL_PUBLISH_TIMEOUT_MS}: how long a publish waits for room
 *                             before it fails (default 5000; 0 fails at once when a queue is full)
 */
record ChannelConfig(int capacity, long publishTimeoutMillis) {

    static final String CAPACITY = "CHANNEL_CAPACITY";
    static final String PUBLISH_TIMEOUT_MS = "CHANNEL_PUBLISH_TIMEOUT_MS";
    static final int DEFAULT_CAPACITY = 1024;
    static final long DEFAULT_PUBLISH_TIMEOUT_MS = 5000;
    /** Largest capacity: bounds the memory one queue may take. */
    static final int MAX_CAPACITY = 10_000_000;
    /** Longest publish wait: one day. */
    static final long MAX_PUBLISH_TIMEOUT_MS = TimeUnit.DAYS.toMillis(1);

    /**
     * Reads and checks the settings.
     *
     * @throws storelog.api.InvalidSettingException when a value is not a number or out of range
     */
    static ChannelConfig from(Settings settings) {
        return new ChannelConfig(
                (int) settings.longValue(CAPACITY, DEFAULT_CAPACITY, 1, MAX_CAPACITY),
                settings.longValue(PUBLISH_TIMEOUT_MS, DEFAULT_PUBLISH_TIMEOUT_MS, 0, MAX_PUBLISH_TIMEOUT_MS));
    }

    long publishTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(publishTimeoutMillis);
    }
}
