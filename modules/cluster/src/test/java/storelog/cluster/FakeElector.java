package storelog.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import storelog.api.spi.ElectionListener;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Leadership;

/** An elector whose state the test sets; records the calls the chain makes. */
final class FakeElector implements LeaderElector {

    final List<String> calls = new ArrayList<>();
    final List<Long> seen = new ArrayList<>();
    volatile Leadership leadership = new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), 0);
    volatile boolean usable = true;
    volatile boolean tookOver;
    volatile boolean active;
    private ElectionListener listener;

    @Override
    public synchronized void start(ElectionListener listener) {
        this.listener = listener;
        calls.add("start");
    }

    /** Sets the state and tells the chain, as an elector's thread would. */
    void set(Leadership.Role role, String leader, long epoch) {
        leadership = new Leadership(role, Optional.ofNullable(leader), epoch);
        listener.changed(this);
    }

    void takeOver(boolean value) {
        tookOver = value;
        listener.changed(this);
    }

    @Override
    public synchronized void activate() {
        active = true;
        calls.add("activate");
    }

    @Override
    public synchronized void standBy() {
        active = false;
        calls.add("standBy");
    }

    @Override
    public Leadership leadership() {
        return leadership;
    }

    @Override
    public boolean usable() {
        return usable;
    }

    @Override
    public boolean tookOver() {
        return tookOver;
    }

    @Override
    public synchronized void epochSeen(long epoch) {
        seen.add(epoch);
    }

    @Override
    public synchronized void resign() {
        calls.add("resign");
    }

    @Override
    public synchronized void close() {
        calls.add("close");
    }
}
