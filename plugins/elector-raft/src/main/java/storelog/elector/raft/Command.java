package storelog.elector.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * An entry of the replicated {@link EpochState}, as it is written in the Raft log.
 *
 * <p>Format (big-endian, {@link DataOutputStream}): one byte, the kind, then its fields.
 * <pre>
 * kind 1 NewEpoch  term:8 floor:8 slot:4 slots:4 proposer:UTF
 * kind 2 HandBack  term:8 proposer:UTF
 * kind 3 Observe   epoch:8
 * </pre>
 * An entry that does not decode (a later version's kind) is skipped by every replica alike.
 */
sealed interface Command {

    byte NEW_EPOCH = 1;
    byte HAND_BACK = 2;
    byte OBSERVE = 3;

    /**
     * Raft leads from now on with a new epoch: {@code proposer}, leader of Raft term {@code term}, asks for
     * the next epoch of residue class {@code slot} of {@code slots} above its own highest seen epoch
     * {@code floor} (and above everything the state holds).
     */
    record NewEpoch(long term, String proposer, long floor, int slot, int slots) implements Command {
    }

    /** {@code proposer}, leader of Raft term {@code term}, hands the leadership back to the earlier electors. */
    record HandBack(long term, String proposer) implements Command {
    }

    /** A node has seen {@code epoch}: later epochs must be above it. */
    record Observe(long epoch) implements Command {
    }

    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (this) {
                case NewEpoch e -> {
                    out.writeByte(NEW_EPOCH);
                    out.writeLong(e.term());
                    out.writeLong(e.floor());
                    out.writeInt(e.slot());
                    out.writeInt(e.slots());
                    out.writeUTF(e.proposer());
                }
                case HandBack h -> {
                    out.writeByte(HAND_BACK);
                    out.writeLong(h.term());
                    out.writeUTF(h.proposer());
                }
                case Observe o -> {
                    out.writeByte(OBSERVE);
                    out.writeLong(o.epoch());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The command in {@code data}, or empty when it is not one this version knows. */
    static Optional<Command> decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            return switch (in.readByte()) {
                case NEW_EPOCH -> {
                    long term = in.readLong();
                    long floor = in.readLong();
                    int slot = in.readInt();
                    int slots = in.readInt();
                    yield Optional.of(new NewEpoch(term, in.readUTF(), floor, slot, slots));
                }
                case HAND_BACK -> {
                    long term = in.readLong();
                    yield Optional.of(new HandBack(term, in.readUTF()));
                }
                case OBSERVE -> Optional.of(new Observe(in.readLong()));
                default -> Optional.empty();
            };
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
