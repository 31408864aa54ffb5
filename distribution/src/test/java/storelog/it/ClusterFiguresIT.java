package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/**
 * The cluster's figures for bench/RESULTS.md (issues 8 and 9), measured on nodes of the built image
 * with a private Redis. Not part of {@code mvn verify}: run by {@code bench/cluster.sh}
 * ({@code -Dstorelog.bench=true}; {@code -Dstorelog.bench.rounds=N}, default 10). Prints one line per
 * figure: {@code FIGURE name: median (min..max) over n}. Publish throughput with {@code ACKS=all} and
 * {@code ACKS=leader} is {@code bench/replication.sh} (wrk, against a standalone node in the same run).
 */
@EnabledIfSystemProperty(named = "storelog.bench", matches = "true")
@org.junit.jupiter.api.Timeout(value = 50, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterFiguresIT {

    private static final int ROUNDS = Integer.getInteger("storelog.bench.rounds", 10);
    private static final long TTL = 1500;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static void figure(String name, List<Long> values, String unit) {
        List<Long> sorted = values.stream().sorted().toList();
        System.out.printf("FIGURE %s: median %d %s (%d..%d) over %d%n", name, sorted.get(sorted.size() / 2), unit,
                sorted.getFirst(), sorted.getLast(), sorted.size());
    }

    /** The nodes' settings; {@code -Dstorelog.bench.window=N} sets {@code REPLICATION_WINDOW} (the node's default otherwise). */
    private static Map<String, String> env(RedisServer redis, String acks) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL),
                "ACKS", acks, "GAP_INTERVAL", "1000"));
        String window = System.getProperty("storelog.bench.window", "");
        if (!window.isEmpty()) {
            env.put("REPLICATION_WINDOW", window);
        }
        return env;
    }

    @Test
    void electionFigures(TestInfo test) {
        List<Long> firstLeader = new ArrayList<>();
        List<Long> failover = new ArrayList<>();
        List<Long> membership = new ArrayList<>();
        List<Long> toRaft = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Path dir = TestData.directory(test).resolve("round-" + round);
            try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
                 TestCluster cluster = TestCluster.of(dir, 3, env(redis, "leader"))) {
                long start = System.nanoTime();
                cluster.start();
                ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(60));
                firstLeader.add(millisSince(start));
                cluster.await("three members", Duration.ofSeconds(30), all -> all.size() == 3
                        && all.values().stream().allMatch(s -> s.path("members").size() == 3));
                // the Redis -> Raft switch first, with all three nodes alive: a member killed in the seconds
                // before every node holds the Raft log leaves the group without a usable majority
                // (docs/cluster.md "Forming the group", the start-up window)
                cluster.nodes().forEach(n -> awaitLog(n, "(formed Raft group|Raft group \\S+ exists)"));
                long redisKilled = System.nanoTime();
                redis.kill();
                cluster.await("raft leads", Duration.ofSeconds(60), all -> all.values().stream().anyMatch(s ->
                        s.path("elector").asText().equals("raft") && s.path("role").asText().equals("leader")
                                && !s.path("catching_up").asBoolean(false)));
                toRaft.add(millisSince(redisKilled));

                redis.restart();
                cluster.await("redis leads again", Duration.ofSeconds(60), all -> all.size() == 3
                        && all.values().stream().allMatch(s -> s.path("elector").asText().equals("redis")));
                leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));

                long killed = System.nanoTime();
                leader.kill();
                ImageNode next = cluster.awaitOneLeader(cluster.others(leader), Duration.ofSeconds(30));
                failover.add(millisSince(killed));
                cluster.await("two members", Duration.ofSeconds(30), all -> all.values().stream()
                        .allMatch(s -> s.path("members").size() == 2));
                membership.add(millisSince(killed));
                assertThat(next).isNotNull();
            }
        }
        figure("time to first leader (3 nodes started together, LEADER_TTL=1500)", firstLeader, "ms");
        figure("failover after SIGKILL of the leader (new leader serving)", failover, "ms");
        figure("membership: a killed member leaves every view", membership, "ms");
        figure("Redis killed -> a Raft leader serving", toRaft, "ms");
    }

    @Test
    void replicationFigures(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            // publish throughput under ACKS=all vs ACKS=leader is measured with wrk by bench/replication.sh
            try (TestCluster cluster = TestCluster.of(dir.resolve("leader"), 3, env(redis, "leader")).start()) {
                ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(60));
                // -Dstorelog.bench.rates=2000,5000,10000: the lag at each rate in turn (a lag that grows with
                // the rate on the same cluster is the machine's CPU, one that does not is the push's own latency)
                for (String rate : System.getProperty("storelog.bench.rates", "10000").split(",")) {
                    followerLag(leader, cluster.others(leader).getFirst(), Integer.parseInt(rate.trim()));
                }
                if (Boolean.parseBoolean(System.getProperty("storelog.bench.catchup", "true"))) {
                    catchUp(cluster, leader);
                }
            }
        }
    }

    private static String batch(int n) {
        StringBuilder b = new StringBuilder("{\"partition_key\":\"tb\",\"records\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"data\":\"").append("x".repeat(100)).append("\",\"data_type\":2}");
        }
        return b.append("]}").toString();
    }

    /**
     * Publishes {@code rate} records/s (10,000 for the figure) for 10 s (ACKS=leader) to a
     * partition of its own while a reader tails the follower; the lag of a record is the time from the
     * leader's acknowledgement to the follower serving it. {@code -Dstorelog.bench.batch=N} (default 1:
     * single {@code /publish}) sends the rate as {@code /publish/batch} requests of N records each —
     * three JVMs and the load generator on two cores do not reach 10,000 single publishes a second —
     * and every record of a batch is acknowledged when its batch is.
     */
    private static final java.util.concurrent.atomic.AtomicInteger LAG_RUNS = new java.util.concurrent.atomic.AtomicInteger();

    private static void followerLag(ImageNode leader, ImageNode follower, int rate) throws Exception {
        int batch = Integer.getInteger("storelog.bench.batch", 1);
        // a partition of each run's own: a run at a rate asked before read the earlier run's records first
        String partition = "lag" + rate + "x" + batch + "-" + LAG_RUNS.incrementAndGet();
        Map<Long, Long> acked = new ConcurrentHashMap<>();
        Map<Long, Long> served = new ConcurrentHashMap<>();
        long stop = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        java.util.concurrent.atomic.AtomicLong pages = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
        Thread tail = Thread.ofVirtual().start(() -> {
            long offset = 0;
            while (System.nanoTime() < stop + Duration.ofSeconds(3).toNanos()) {
                JsonNode page = follower.get("/records?partition=" + partition + "&offset=" + offset + "&max=10000&wait_ms=1000");
                if (page == null || !page.has("records")) {
                    failed.incrementAndGet();
                    TestCluster.pause(10);
                    continue;
                }
                if (pages.incrementAndGet() % 100 == 0 && Boolean.getBoolean("storelog.bench.trace")) {
                    System.out.printf("TRACE page %d: %d records from %d, follower /partitions %d%n", pages.get(),
                            page.path("records").size(), offset, nextOffset(follower, partition));
                }
                long now = System.nanoTime();
                for (JsonNode r : page.path("records")) {
                    served.putIfAbsent(r.path("offset").asLong(), now);
                }
                offset = page.path("next_offset").asLong();
            }
        });
        // a second, cheap observer: the follower's stored end (/partitions), polled about every millisecond. The
        // tailing reader above parses every record in the test JVM, which shares the two cores with the writers,
        // so it may see records late that the follower held long before (12-04: the follower held every record
        // when the writers stopped while the reader's figure said seconds); this one does next to no work per record
        Map<Long, Long> stored = new ConcurrentHashMap<>();
        Thread probe = Thread.ofVirtual().start(() -> {
            long seen = 0;
            while (System.nanoTime() < stop + Duration.ofSeconds(3).toNanos()) {
                long end = nextOffset(follower, partition);
                long now = System.nanoTime();
                for (long o = seen; o < end; o++) {
                    stored.putIfAbsent(o, now);
                }
                seen = Math.max(seen, end);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        });
        // enough writers for the rate at the publish latency of a loaded two-core machine (16 could not send
        // more than ~1,000 records/s there: they went on sending long after the reader stopped), and none sends
        // after the run's end, so the rate printed is the rate reached
        int writerCount = Integer.getInteger("storelog.bench.writers", 128);
        long started = System.nanoTime();
        String batchBody = batch(batch).replace("\"tb\"", "\"" + partition + "\"");
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            long interval = 1_000_000_000L * batch / rate; // ns between requests, over all writers
            for (int w = 0; w < writerCount; w++) {
                int writer = w;
                writers.execute(() -> {
                    long next = System.nanoTime() + writer * interval;
                    while (next < stop && System.nanoTime() < stop) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        if (batch == 1) {
                            HttpResponse<String> r = leader.post("/publish", "{\"data\":\"lag\",\"data_type\":2,\"partition_key\":\"" + partition + "\"}");
                            if (r.statusCode() == 200) {
                                acked.put(Long.parseLong(r.body().replaceAll(".*\"offset\":(\\d+).*", "$1")), System.nanoTime());
                            }
                        } else {
                            HttpResponse<String> r = leader.post("/publish/batch", batchBody);
                            if (r.statusCode() == 200) {
                                long now = System.nanoTime();
                                long base = Long.parseLong(r.body().replaceAll(".*\"base_offset\":(\\d+).*", "$1"));
                                for (long o = base; o < base + batch; o++) {
                                    acked.put(o, now);
                                }
                            }
                        }
                        next += writerCount * interval;
                    }
                });
            }
        }
        // where the follower's log is when the writers stop, against the leader's: replication behind, or the reader
        long leaderEnd = nextOffset(leader, partition);
        long followerEnd = nextOffset(follower, partition);
        double seconds = (System.nanoTime() - started) / 1e9;
        tail.join();
        probe.join();
        List<Long> all = lags(acked, served);
        List<Long> after = all.stream().filter(lag -> lag > 0 && lag != Long.MAX_VALUE).toList();
        int never = (int) all.stream().filter(lag -> lag == Long.MAX_VALUE).count();
        System.out.printf("FIGURE follower lag at %d records/s reached (%d asked, %d writers, batches of " + batch
                + "; ACKS=leader), every acknowledged record: %s"
                + " (%d served before the writer had its acknowledgement: 0; %d not served by the reader within 3 s of the end; when"
                + " the writers stopped the follower held %d of the leader's %d)%n", Math.round(acked.size() / seconds), rate, writerCount,
                percentiles(all), all.size() - never - after.size(),
                never, followerEnd, leaderEnd);
        System.out.printf("FIGURE   the reader: %d pages, %d requests without a page%n", pages.get(), failed.get());
        System.out.printf("FIGURE   the same, only the records served after their acknowledgement (the measure before 2026-12-04): %s%n",
                percentiles(after));
        System.out.printf("FIGURE   the follower's stored end polled about every ms (/partitions), every acknowledged record: %s%n",
                percentiles(lags(acked, stored)));
    }

    /**
     * Per acknowledged record, microseconds from its acknowledgement to when it was {@code seen}: 0 when
     * seen before the writer heard of the acknowledgement (the measure before 2026-12-04 left those
     * out), {@link Long#MAX_VALUE} when never seen (beyond every figure).
     */
    private static List<Long> lags(Map<Long, Long> acked, Map<Long, Long> seen) {
        List<Long> lags = new ArrayList<>();
        for (Map.Entry<Long, Long> a : acked.entrySet()) {
            Long at = seen.get(a.getKey());
            lags.add(at == null ? Long.MAX_VALUE : Math.max(0, (at - a.getValue()) / 1_000));
        }
        return lags;
    }

    private static long nextOffset(ImageNode node, String partition) {
        JsonNode p = node.get("/partitions");
        if (p == null) {
            return -1;
        }
        for (JsonNode n : p.findParents("next_offset")) {
            if (partition.equals(n.path("partition_key").asText(n.path("partition").asText()))) {
                return n.path("next_offset").asLong();
            }
        }
        return -1;
    }

    private static String ms(long micros) {
        return micros == Long.MAX_VALUE ? "beyond the run" : String.format("%.1f ms", micros / 1000.0);
    }

    private static String percentiles(List<Long> micros) {
        if (micros.isEmpty()) {
            return "no records";
        }
        List<Long> sorted = micros.stream().sorted().toList();
        return String.format("p50 %s, p99 %s, max %s (%d records)", ms(sorted.get(sorted.size() / 2)),
                ms(sorted.get((int) (sorted.size() * 0.99))), ms(sorted.getLast()), sorted.size());
    }

    /**
     * Kills a follower, writes 1,000,000 records (100 B, batches of 1,000) while sampling the leader's
     * live heap (after a full GC) every 250,000, then restarts the follower and times its catch-up:
     * the leader's memory must not grow with how far behind a follower is (DESIGN.md §8).
     */
    private static void catchUp(TestCluster cluster, ImageNode leader) {
        ImageNode follower = cluster.others(leader).get(1);
        follower.kill();
        String body = batch(1000).replace("\"tb\"", "\"catchup\"");
        List<String> heap = new ArrayList<>();
        heap.add("0: " + liveHeapMiB(leader) + " MiB");
        for (int i = 1; i <= 1000; i++) {
            assertThat(leader.post("/publish/batch", body).statusCode()).isEqualTo(200);
            if (i % 250 == 0) {
                heap.add(i * 1000 + ": " + liveHeapMiB(leader) + " MiB");
            }
        }
        System.out.println("FIGURE leader live heap while a follower is down (records behind: heap after full GC): "
                + String.join(", ", heap));
        long target = leader.get("/partitions").findValues("next_offset").stream().mapToLong(JsonNode::asLong).sum();
        long start = System.nanoTime();
        follower.start().awaitPort();
        long started = System.nanoTime();
        cluster.await("the follower catches up", Duration.ofSeconds(300), all -> {
            JsonNode p = follower.get("/partitions");
            return p != null && p.findValues("next_offset").stream().mapToLong(JsonNode::asLong).sum() >= target;
        });
        long millis = millisSince(started);
        System.out.printf("FIGURE catch-up of a restarted follower: 1,000,000 records (100 B) in %d ms after it served (%d ms after"
                + " its start): %d records/s%n", millis, millisSince(start), 1_000_000L * 1000 / Math.max(1, millis));
        System.out.println("FIGURE leader live heap after the catch-up: " + liveHeapMiB(leader) + " MiB");
    }

    /** Live heap of a node's JVM in MiB: {@code jcmd GC.class_histogram} runs a full GC and totals what survives. */
    private static long liveHeapMiB(ImageNode node) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            java.util.regex.Matcher total = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
            if (!total.find()) {
                throw new AssertionError("jcmd GC.class_histogram of " + node + ": " + out);
            }
            return Long.parseLong(total.group(1)) >> 20;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitLog(ImageNode node, String regex) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!pattern.matcher(node.logOfThisRun()).find()) {
            assertThat(System.nanoTime()).as(node + " logs " + regex).isLessThan(deadline);
            TestCluster.pause(50);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
