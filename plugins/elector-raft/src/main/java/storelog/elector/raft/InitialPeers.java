package storelog.elector.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The initial peer list this node formed the group with, kept beside Ratis' storage in the file
 * {@value #FILE_NAME}: one line per peer, {@code <node id> <host:port>}. Ratis keeps a group's
 * configuration in its log only from the first election on; a node restarted before that recovers
 * the group with this list instead of with no peers (which would never elect anyone). Nodes added by
 * the leader later have no such file: their configuration is in their log.
 */
final class InitialPeers {

    static final String FILE_NAME = "initial-peers";

    private InitialPeers() {
    }

    static Optional<List<RaftPeer>> read(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<RaftPeer> peers = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.strip().split(" ");
            if (parts.length != 2) {
                throw new IOException(file + ": expected \"<node id> <host:port>\" lines, found \"" + line + "\"");
            }
            peers.add(RaftPeer.newBuilder().setId(RaftPeerId.valueOf(parts[0])).setAddress(parts[1]).build());
        }
        return Optional.of(peers);
    }

    /** Writes the list atomically (temporary file, fsync, rename) before the group is created with it. */
    static void write(Path directory, List<RaftPeer> peers) throws IOException {
        StringBuilder text = new StringBuilder();
        for (RaftPeer peer : peers) {
            text.append(peer.getId()).append(' ').append(peer.getAddress()).append('\n');
        }
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
