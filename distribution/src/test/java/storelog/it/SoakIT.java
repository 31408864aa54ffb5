package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import storelog.testkit.History;
import storelog.testkit.HistoryChecker;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/**
 * The load soak (issue 10, item 3): a 3-node cluster of the image (private Redis, {@code ACKS} from
 * {@code soak.acks}, default {@code all}, {@code MIN_INSYNC=2}, the image's other defaults) under a
 * steady load for {@code soak.minutes}, with nothing else happening. It must come out with no errors
 * at all, a history {@link HistoryChecker} finds clean, and every node's live heap, descriptors and
 * threads flat ({@link Flatness}).
 *
 * <ol>
 *   <li><b>Saturation</b>: {@value #CLOSED_LOOP_PUBLISHERS} closed-loop publishers ({@link Writers}) send
 *       single records as fast as they are answered, for {@value #SATURATION_WARM_UP_SECONDS} s unmeasured
 *       then {@value #SATURATION_SECONDS} s measured: acknowledged records per second.</li>
 *   <li><b>Soak</b>: {@link OpenLoopPublishers} at {@value #LOAD_FRACTION} of that rate, single records of
 *       {@value OpenLoopPublishers#PAYLOAD_BYTES} bytes round-robin over {@code PARTITIONS}, latency
 *       from intended start times into HdrHistograms.</li>
 * </ol>
 * Throughout both, {@link TailReaders} tail every partition on the leader and on one follower, and
 * {@link ResourceSampler} samples every node every 5 s. At the end the load stops, the nodes must
 * converge to identical logs, and the whole history (both phases) is checked. Results go to
 * {@code soak.out} ({@link SoakReport}). Run by {@code bench/faults/soak.sh [MINUTES] [ACKS]}; skipped
 * unless {@code soak.minutes} is given.
 */
@EnabledIfSystemProperty(named = "soak.minutes", matches = "[1-9][0-9]*",
        disabledReason = "the load soak runs only when asked for: -Dsoak.minutes=N (bench/faults/soak.sh)")
class SoakIT {

    static final int CLOSED_LOOP_PUBLISHERS = 64;
    static final int SATURATION_WARM_UP_SECONDS = 5;
    static final int SATURATION_SECONDS = 20;
    static final double LOAD_FRACTION = 0.7;
    private static final int MAX_MINUTES = 120;
    private static final List<String> PARTITIONS = List.of("s0", "s1", "s2", "s3");
    /** The nodes' JVM: C2 on (a soak measures steady state), the test's usual heap and collector. */
    private static final String JAVA_OPTS = System.getProperty("soak.javaOpts", "-Xmx256m -XX:+UseSerialGC");

    private RedisServer redis;
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Timeout(value = MAX_MINUTES + 15, unit = TimeUnit.MINUTES)
    void aClusterUnderSteadyLoadLosesNothingFailsNothingAndStaysFlat(TestInfo test) throws Exception {
        int minutes = Integer.getInteger("soak.minutes");
        assumeTrue(minutes <= MAX_MINUTES, "soak.minutes is at most " + MAX_MINUTES);
        String acks = System.getProperty("soak.acks", "all");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dir = TestData.directory(test);
        redis = RedisServer.start(dir.resolve("redis"));
        cluster = TestCluster.of(dir, 3, Map.of("REDIS_ADDR", redis.address(), "ACKS", acks, "MIN_INSYNC", "2"));
        List<GcLog> gcLogs = new ArrayList<>();
        for (ImageNode node : cluster.nodes()) {
            GcLog gc = new GcLog(dir.resolve(node.id() + "-gc.log"));
            gcLogs.add(gc);
            node.env().put("JAVA_OPTS", JAVA_OPTS + " " + gc.option());
        }
        cluster.start();
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(60));
        System.out.printf("soak: %d min, ACKS=%s, leader %s, node JVM %s%n", minutes, acks, leader, JAVA_OPTS);

        String loadBefore = loadAverage();
        History history = new History();
        ErrorKinds errors = new ErrorKinds();
        double saturation;
        double soakStart;
        OpenLoopPublishers load;
        List<ResourceSampler.Sample> samples;
        try (ResourceSampler sampler = new ResourceSampler(cluster.nodes(), gcLogs);
             TailReaders readers = new TailReaders(List.of(leader, cluster.others(leader).getFirst()), PARTITIONS, history, errors)) {
            saturation = saturation(leader, history, errors);
            System.out.printf("soak: saturation %.0f records/s (%d closed-loop publishers); soak at %.0f/s%n", saturation,
                    CLOSED_LOOP_PUBLISHERS, LOAD_FRACTION * saturation);
            soakStart = sampler.samples().stream().mapToDouble(ResourceSampler.Sample::seconds).max().orElse(0);
            load = new OpenLoopPublishers(LOAD_FRACTION * saturation, PARTITIONS, () -> leader, history, errors);
            try (load) {
                TestCluster.pause(TimeUnit.MINUTES.toMillis(minutes)); // the soak itself: the load runs on its own threads
            }
            samples = sampler.samples();
        }
        String loadAfter = loadAverage();
        leaderChanges(samples, errors);

        ImageNode last = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(60));
        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(120));
        HistoryChecker.Report checked = HistoryChecker.check(history, Logs.forChecker(last, cluster.nodes()));
        double warmUp = soakStart + Math.max(20, 0.15 * minutes * 60);
        List<Flatness.Trend> trends = Flatness.judge(samples, warmUp);

        Path out = Path.of(System.getProperty("soak.out", "target/soak"));
        List<Path> files = new SoakReport(out, stamp)
                .put("started", stamp).put("minutes", minutes).put("acks", acks).put("nodes", cluster.nodes().size())
                .put("node_java_opts", JAVA_OPTS)
                .put("machine_load_average", Map.of("before", loadBefore, "after", loadAfter, "cores",
                        Runtime.getRuntime().availableProcessors())).put("partitions", PARTITIONS.size())
                .put("payload_bytes", OpenLoopPublishers.PAYLOAD_BYTES)
                .put("saturation", Map.of("closed_loop_publishers", CLOSED_LOOP_PUBLISHERS, "seconds", SATURATION_SECONDS,
                        "records_per_s", Math.round(saturation)))
                .put("load", rates(load))
                .put("latency_ms", SoakReport.latency(load.latency()))
                .put("errors", errors.counts())
                .put("checker", checked.counts())
                .put("warm_up_s", warmUp)
                .put("trends", trends.stream().map(Flatness.Trend::toString).toList())
                .resources(samples, cluster.nodes().stream().map(ImageNode::id).toList())
                .latencyOverTime(load.latencyByWindow())
                .finish();
        System.out.println("soak: latency ms " + SoakReport.latency(load.latency()) + ", load " + rates(load));
        System.out.printf("soak: machine load average (1, 5, 15 min) before %s, after %s, on %d cores%n", loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
        System.out.println("soak: errors " + errors.counts() + "; checker: " + checked.summary());
        trends.forEach(t -> System.out.println("soak: " + t));
        files.forEach(f -> System.out.println("soak: wrote " + f));

        assertThat(checked.acknowledged()).as("acknowledged publishes").isPositive();
        assertThat(acks.equals("all") ? checked.clean() : checked.consistent()).as(checked.summary()).isTrue();
        assertThat(errors.counts()).as("errors in a fault-free run, by kind").isEmpty();
        assertThat(trends.stream().filter(t -> !t.flat()).map(Flatness.Trend::toString).toList()).as("resources that grew").isEmpty();
    }

    /** Closed-loop publishers on {@code leader}: acknowledged records per second over the measured window. */
    private static double saturation(ImageNode leader, History history, ErrorKinds errors) throws InterruptedException {
        long from;
        long to;
        try (Writers closed = new Writers(CLOSED_LOOP_PUBLISHERS, PARTITIONS, () -> leader, history, "c")) {
            TestCluster.pause(TimeUnit.SECONDS.toMillis(SATURATION_WARM_UP_SECONDS)); // unmeasured: connections, JIT
            from = History.now();
            TestCluster.pause(TimeUnit.SECONDS.toMillis(SATURATION_SECONDS));
            to = History.now();
        }
        long acked = 0;
        for (History.Publish p : history.publishes()) {
            if (p.outcome() != History.Outcome.ACKNOWLEDGED) {
                errors.addDetail(p.detail());
            } else if (p.end() >= from && p.end() < to) {
                acked++;
            }
        }
        return acked * 1e9 / (to - from);
    }

    /**
     * The machine's load average ({@code /proc/loadavg}: 1, 5 and 15 minutes), so a reader of the results
     * sees whether something else shared the machine: the figures are only as quiet as the machine.
     */
    private static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static Map<String, Object> rates(OpenLoopPublishers load) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("fraction_of_saturation", LOAD_FRACTION);
        r.put("intended_per_s", Math.round(load.intendedRate()));
        r.put("sent_per_s", Math.round(load.sentRate()));
        r.put("acknowledged_per_s", Math.round(load.acknowledgedRate()));
        r.put("requests", load.sent());
        r.put("scheduler_late", load.schedulerBehind());
        return r;
    }

    /** A fault-free run keeps its first leader: any other leader or epoch seen in the samples is an error. */
    private static void leaderChanges(List<ResourceSampler.Sample> samples, ErrorKinds errors) {
        TreeSet<String> leaders = new TreeSet<>();
        samples.stream().filter(s -> s.role().equals("leader")).forEach(s -> leaders.add(s.node() + "@" + s.epoch()));
        for (int i = 1; i < leaders.size(); i++) {
            errors.add("leader change (leaders seen: " + leaders + ")");
        }
    }
}
