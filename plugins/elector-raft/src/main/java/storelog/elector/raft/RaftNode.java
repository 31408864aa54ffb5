package storelog.elector.raft;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's Ratis server and the one group it serves, reached in-process: proposals, leadership
 * confirmations and reconfigurations are submitted to the local server directly, not through a
 * network client. The server starts without a group (so it answers other nodes' group queries while
 * the group is being formed) and recovers the group from storage when it is there.
 *
 * <p>Thread-safe (Ratis' server is).
 */
final class RaftNode implements AutoCloseable {

    private final RaftServer server;
    private final RaftPeerId self;
    private final RaftGroupId groupId;
    private final EpochStateMachine stateMachine;
    private final RaftProperties properties;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final EntrySeal seal;

    private RaftNode(RaftServer server, RaftPeerId self, RaftGroupId groupId, EpochStateMachine stateMachine,
                     RaftProperties properties, EntrySeal seal) {
        this.seal = seal;
        this.server = server;
        this.self = self;
        this.groupId = groupId;
        this.stateMachine = stateMachine;
        this.properties = properties;
    }

    /**
     * Starts the server on {@code settings.self()}, with its storage in {@code storage}: a group found
     * there is recovered (Ratis' builder formats by default, which refuses existing storage), with
     * {@code initialPeers} as its configuration until its log says otherwise.
     *
     * @throws IOException when it cannot start; nothing is left running then (Ratis' threads are not daemons)
     */
    static RaftNode start(RaftSettings settings, String nodeId, Path storage, Optional<List<RaftPeer>> initialPeers,
                          Runnable changed) throws IOException {
        RaftProperties properties = properties(settings, storage);
        RaftGroupId groupId = settings.groupId();
        EpochStateMachine stateMachine = new EpochStateMachine(settings.seal(), changed);
        StateMachine.Registry registry = id -> {
            if (!id.equals(groupId)) {
                throw new IllegalArgumentException("this node serves only the Raft group " + groupId + ", not " + id);
            }
            return stateMachine;
        };
        RaftServer.Builder builder = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(nodeId)).setProperties(properties)
                .setStateMachineRegistry(registry).setOption(RaftStorage.StartupOption.RECOVER);
        initialPeers.ifPresent(peers -> builder.setGroup(RaftGroup.valueOf(groupId, peers)));
        RaftServer server = builder.build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new RaftNode(server, server.getId(), groupId, stateMachine, properties, settings.seal());
    }

    /** The server's settings: Netty on exactly the advertised host and port, the timeouts of {@link RaftSettings}. */
    static RaftProperties properties(RaftSettings settings, Path storage) {
        RaftProperties p = clientProperties(settings);
        RaftServerConfigKeys.setStorageDir(p, List.of(storage.toFile()));
        NettyConfigKeys.Server.setHost(p, settings.self().host());
        NettyConfigKeys.Server.setPort(p, settings.self().port());
        NettyConfigKeys.Server.setUseEpoll(p, false);
        Duration min = settings.electionTimeout();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(min));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(min.multipliedBy(2)));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(min.multipliedBy(2)));
        // a leader cut off from its majority stops being leader after one maximum election timeout
        // (Ratis' default waits 10 s); the elector's own lease stops claiming leadership earlier
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, millis(min.multipliedBy(2)));
        // read-only requests (the leadership confirmations) are answered only after a heartbeat round
        // with a majority; Ratis' leader lease stays off so that every confirmation is such a round
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(p, millis(min.multipliedBy(2)));
        RaftServerConfigKeys.setCloseThreshold(p, TimeDuration.valueOf(5, TimeUnit.SECONDS));
        // a few small entries per leadership change: small log segments
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("64KB"));
        return p;
    }

    /** The settings of Ratis clients of this node (group queries, epoch reports). */
    static RaftProperties clientProperties(RaftSettings settings) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
        NettyConfigKeys.Client.setUseEpoll(p, false);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(settings.electionTimeout().multipliedBy(2)));
        return p;
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    RaftPeerId self() {
        return self;
    }

    RaftGroupId groupId() {
        return groupId;
    }

    EpochStateMachine stateMachine() {
        return stateMachine;
    }

    RaftProperties properties() {
        return properties;
    }

    boolean running() {
        return server.getLifeCycleState().isRunning();
    }

    /** This node's division of the group, once it holds the group. */
    Optional<RaftServer.Division> division() {
        try {
            for (RaftGroupId id : server.getGroupIds()) {
                if (id.equals(groupId)) {
                    return Optional.of(server.getDivision(groupId));
                }
            }
        } catch (IOException e) {
            // being removed or closed: no division
        }
        return Optional.empty();
    }

    /** Adds the group with {@code peers} as its initial configuration (empty: wait to be added by its leader). */
    void addGroup(List<RaftPeer> peers) throws IOException {
        RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(clientId, self, callIds.incrementAndGet(),
                RaftGroup.valueOf(groupId, peers)));
        if (!reply.isSuccess()) {
            throw new IOException("cannot add the Raft group " + groupId + ": " + reply.getException());
        }
    }

    /** Appends {@code command} through this node, which must be the leader (else the reply carries NotLeaderException). */
    CompletableFuture<RaftClientReply> propose(Command command) {
        return submit(RaftClientRequest.writeRequestType(), Message.valueOf(
                org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(seal.seal(command.encode()))));
    }

    /** A linearizable read on this node: answered once a majority heard from this leader after it arrived. */
    CompletableFuture<EpochStateMachine.Confirmation> confirm() {
        return submit(RaftClientRequest.readRequestType(), Message.EMPTY).thenApply(reply -> {
            if (!reply.isSuccess()) {
                throw new IllegalStateException("not confirmed: " + reply.getException());
            }
            return EpochStateMachine.Confirmation.parse(reply.getMessage());
        });
    }

    private CompletableFuture<RaftClientReply> submit(RaftClientRequest.Type type, Message message) {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(clientId).setServerId(self)
                .setGroupId(groupId).setCallId(callIds.incrementAndGet()).setMessage(message).setType(type).build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Asks this node, the leader, to change the group's voting members to {@code peers}. */
    CompletableFuture<RaftClientReply> setConfiguration(List<RaftPeer> peers) {
        try {
            return server.setConfigurationAsync(new SetConfigurationRequest(clientId, self, groupId, callIds.incrementAndGet(), peers));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Hands this node's Raft leadership to {@code to}, or just steps down when {@code to} is null. */
    CompletableFuture<RaftClientReply> transferLeadership(RaftPeerId to, Duration timeout) {
        try {
            return server.transferLeadershipAsync(new TransferLeadershipRequest(clientId, self, groupId,
                    callIds.incrementAndGet(), to, timeout.toMillis()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
