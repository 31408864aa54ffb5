package storelog.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import storelog.testkit.HistoryChecker.Report;
import storelog.testkit.HistoryChecker.Stored;

/** The checker finds each kind of violation, alone, and passes a correct run. */
class HistoryCheckerTest {

    private final History history = new History();

    /** Three acknowledged, one refused, one unknown (stored); two reads. */
    private Map<String, Map<String, List<Stored>>> correctRun() {
        long t = History.now();
        history.acknowledged("c1", "p", "a", 0, t);
        history.acknowledged("c2", "p", "b", 1, t);
        history.failed("c1", "p", "x", t, "503 not_leader");
        history.unknown("c2", "p", "u", t, "timeout");
        history.acknowledged("c1", "p", "c", 3, t);
        history.read("r", "p", 1, "b", t);
        history.read("r", "p", 2, "u", t);
        List<Stored> log = List.of(new Stored(0, "a"), new Stored(1, "b"), new Stored(2, "u"), new Stored(3, "c"));
        Map<String, Map<String, List<Stored>>> logs = new LinkedHashMap<>();
        logs.put("n1", Map.of("p", log, "__gaps", List.of(new Stored(0, "{}"))));
        logs.put("n2", Map.of("p", log));
        return logs;
    }

    private static Map<String, Map<String, List<Stored>>> withLog(Map<String, Map<String, List<Stored>>> logs, String node, List<Stored> log) {
        Map<String, Map<String, List<Stored>>> changed = new LinkedHashMap<>(logs);
        changed.put(node, Map.of("p", log));
        return changed;
    }

    private List<Stored> n2(Map<String, Map<String, List<Stored>>> logs) {
        return new ArrayList<>(logs.get("n2").get("p"));
    }

    @Test
    void aCorrectRunIsClean() {
        Report report = HistoryChecker.check(history, correctRun());
        assertTrue(report.clean(), report.summary());
        assertEquals(3, report.acknowledged());
        assertEquals(1, report.unknownStored());
        assertEquals(2, report.reads());
        assertEquals(report.digests().get("n1"), report.digests().get("n2"), "identical logs, identical digests");
    }

    @Test
    void anAcknowledgedRecordMissingOnOneNodeIsLostButTheRunStaysSafeOtherwise() {
        var logs = correctRun();
        List<Stored> shorter = n2(logs).subList(0, 3);
        Report report = HistoryChecker.check(history, withLog(logs, "n2", shorter));
        assertEquals(1, report.lost().size(), report.summary());
        assertEquals(1, report.lostAcknowledged());
        assertTrue(report.lost().getFirst().contains("n2 holds nothing"), report.lost().getFirst());
        assertFalse(report.clean());
        assertEquals(1, report.divergent().size(), "and the nodes differ");
    }

    @Test
    void theCountsByNameSayHowManyOfEachViolationWereFound() {
        var logs = correctRun();
        Report report = HistoryChecker.check(history, withLog(logs, "n2", n2(logs).subList(0, 3)));
        assertEquals(List.of("acknowledged", "refused", "unknown", "unknown_stored", "reads", "lost", "duplicated", "conflicting",
                "gaps", "refused_but_stored", "phantoms", "vanished_reads", "divergent"), List.copyOf(report.counts().keySet()));
        assertEquals(3L, report.counts().get("acknowledged"));
        assertEquals(1L, report.counts().get("lost"));
        assertEquals(1L, report.counts().get("divergent"));
        assertEquals(0L, report.counts().get("duplicated"));
    }

    @Test
    void aRecordAtAnotherOffsetThanAcknowledgedIsLost() {
        var logs = correctRun();
        List<Stored> swapped = List.of(new Stored(0, "b"), new Stored(1, "a"), new Stored(2, "u"), new Stored(3, "c"));
        Report report = HistoryChecker.check(history, Map.of("n1", Map.of("p", swapped)));
        assertEquals(2, report.lost().size(), report.summary());
    }

    @Test
    void duplicatesGapsPhantomsAndRefusedButStoredAreFound() {
        var logs = correctRun();
        List<Stored> bad = List.of(new Stored(0, "a"), new Stored(1, "b"), new Stored(2, "u"), new Stored(3, "c"),
                new Stored(4, "a"), new Stored(6, "x"), new Stored(7, "never-published"));
        Report report = HistoryChecker.check(history, withLog(logs, "n1", bad));
        assertEquals(1, report.duplicated().size(), report.summary());
        assertEquals(2, report.gaps().size(), report.summary()); // 6 and 7 are records number 5 and 6
        assertEquals(1, report.refusedButStored().size(), report.summary());
        assertEquals(1, report.phantoms().size(), report.summary());
        assertFalse(report.consistent());
    }

    @Test
    void twoAcknowledgementsOfOneOffsetConflict() {
        var logs = correctRun();
        history.acknowledged("c3", "p", "d", 3, History.now());
        Report report = HistoryChecker.check(history, logs);
        assertEquals(1, report.conflicting().size(), report.summary());
    }

    @Test
    void aReadOfARecordTheFinalLogDoesNotHoldThereHasVanished() {
        var logs = correctRun();
        history.read("r", "p", 4, "z", History.now());
        Report report = HistoryChecker.check(history, logs);
        assertEquals(1, report.vanishedReads().size(), report.summary());
        assertFalse(report.clean());
        assertTrue(report.consistent(), "allowed under ACKS=leader");
    }

    @Test
    void nodesWhoseLogsDifferDiverge() {
        var logs = correctRun();
        history.unknown("c2", "p", "v", History.now(), "timeout");
        List<Stored> longer = n2(logs);
        longer.add(new Stored(4, "v"));
        Report report = HistoryChecker.check(history, withLog(logs, "n2", longer));
        assertEquals(1, report.divergent().size(), report.summary());
        assertTrue(report.lost().isEmpty());
    }

    @Test
    void payloadsMustBeUnique() {
        history.acknowledged("c1", "p", "a", 0, History.now());
        history.unknown("c1", "p", "a", History.now(), "timeout");
        assertThrows(IllegalArgumentException.class, () -> HistoryChecker.check(history, Map.of("n1", Map.of())));
    }
}
