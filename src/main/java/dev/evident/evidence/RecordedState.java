package dev.evident.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the log says now: the last recorded result of every finding and the spec hash in force per policy.
 * Writers compare an evaluation against it, so only changes become records, across restarts and CI runs alike.
 */
public final class RecordedState {
    /**
     * The last record of a finding: its result, and its data without the message (all a removal record repeats) as
     * JSON, which holds tens of thousands of findings in a fraction of the heap their trees would take.
     */
    private record Recorded(String result, String data) {
        static Recorded of(JsonNode data) {
            ObjectNode kept = data.deepCopy();
            kept.remove("message");
            return new Recorded(data.path("result").asText(), kept.toString());
        }

        JsonNode tree() {
            try {
                return EvidenceRecord.JSON.readTree(data);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private final Map<String, Map<String, Recorded>> findings = new HashMap<>();
    private final Map<String, String> specHashes = new HashMap<>();
    /** The last recorded state of each ControlException, by name. */
    private final Map<String, String> exceptionStates = new HashMap<>();

    /** The state after the records of the log at path (empty when there is none yet). */
    public static RecordedState of(Iterable<EvidenceRecord> records) {
        RecordedState state = new RecordedState();
        records.forEach(state::apply);
        return state;
    }

    /** The state after the records of a log (file or segment directory), read line by line. */
    public static RecordedState of(java.nio.file.Path log) {
        RecordedState state = new RecordedState();
        for (java.nio.file.Path file : EvidenceFiles.files(log)) {
            EvidenceFiles.lines(file, line -> {
                EvidenceRecord record = EvidenceFiles.parse(line.text());
                if (record != null) {
                    state.apply(record);
                }
            });
        }
        return state;
    }

    public synchronized void apply(EvidenceRecord record) {
        JsonNode data = record.data();
        String policy = data.path("policy").asText();
        switch (record.type()) {
            case RecordTypes.FINDING -> {
                Map<String, Recorded> byKey = findings.computeIfAbsent(policy, p -> new HashMap<>());
                if (EvidenceData.REMOVED.equals(data.path("result").asText())) {
                    byKey.remove(key(data));
                } else {
                    byKey.put(key(data), Recorded.of(data));
                }
            }
            case RecordTypes.POLICY -> {
                if (data.path("deleted").asBoolean()) {
                    specHashes.remove(policy);
                } else {
                    specHashes.put(policy, data.path("specHash").asText());
                }
            }
            case RecordTypes.EXCEPTION -> exceptionStates.put(data.path("name").asText(), data.path("state").asText());
            default -> { }
        }
    }

    /** Whether an exception's state differs from the last one recorded (or none was). */
    public synchronized boolean exceptionChanged(String name, String state) {
        return !state.equals(exceptionStates.get(name));
    }

    static String key(JsonNode data) {
        return data.path("control").asText() + "|" + data.path("kind").asText() + "|" + data.path("namespace").asText() + "|"
                + data.path("name").asText();
    }

    private static String key(Finding f) {
        return f.control() + "|" + f.object().kind() + "|" + (f.object().namespace() == null ? "null" : f.object().namespace()) + "|"
                + f.object().name();
    }

    public synchronized boolean specChanged(PolicyEvaluation evaluation) {
        return !evaluation.specHash().equals(specHashes.get(evaluation.policy()));
    }

    /**
     * The finding records an evaluation calls for: each finding whose result differs from the last recorded
     * one (or that was never recorded), and a {@code removed} record for each recorded finding it no longer
     * produces. Does not change the state: apply the records once written.
     */
    public synchronized List<ObjectNode> findingChanges(PolicyEvaluation evaluation) {
        List<ObjectNode> changes = new ArrayList<>();
        findingChanges(evaluation, changes::add);
        return changes;
    }

    /**
     * The same, handed to a consumer one record at a time (which may apply each as it is written): the records are
     * never all held at once.
     */
    public synchronized void findingChanges(PolicyEvaluation evaluation, Consumer<ObjectNode> changes) {
        Map<String, Recorded> recorded = findings.getOrDefault(evaluation.policy(), Map.of());
        Set<String> produced = new HashSet<>(recorded.size() * 4 / 3 + 16);
        for (ControlEvaluation control : evaluation.controls()) {
            for (Finding f : control.findings()) {
                String key = key(f);
                produced.add(key);
                changed(f, recorded.get(key), changes);
            }
        }
        List<String> gone = recorded.keySet().stream().filter(k -> !produced.contains(k)).sorted().toList();
        removed(evaluation.policy(), gone, changes);
    }

    /**
     * The finding records for what a diff replaced, which give the same as {@link #findingChanges(PolicyEvaluation,
     * Consumer)} when this state has recorded the evaluation the diff follows.
     */
    public synchronized void findingChanges(String policy, EvaluationDiff diff, Consumer<ObjectNode> changes) {
        Map<String, Recorded> recorded = findings.getOrDefault(policy, Map.of());
        Set<String> produced = new HashSet<>();
        for (Finding f : diff.added()) {
            String key = key(f);
            produced.add(key);
            changed(f, recorded.get(key), changes);
        }
        List<String> gone = new ArrayList<>();
        for (Finding f : diff.removed()) {
            String key = key(f);
            if (!produced.contains(key) && recorded.containsKey(key)) {
                gone.add(key);
            }
        }
        gone.sort(null);
        removed(policy, gone, changes);
    }

    private static void changed(Finding f, Recorded last, Consumer<ObjectNode> changes) {
        String previous = last == null ? null : last.result();
        if (!f.result().wire().equals(previous)) {
            changes.accept(EvidenceData.finding(f, f.result().wire(), previous));
        }
    }

    private void removed(String policy, List<String> keys, Consumer<ObjectNode> changes) {
        Map<String, Recorded> recorded = findings.getOrDefault(policy, Map.of());
        List<JsonNode> gone = keys.stream().map(k -> recorded.get(k).tree()).toList();
        gone.forEach(last -> changes.accept(EvidenceData.removed(last)));
    }

    /** A policy's recorded findings by key, e.g. to record their removal when it is deleted. */
    public synchronized Map<String, JsonNode> findingsOf(String policy) {
        Map<String, JsonNode> trees = new java.util.TreeMap<>();
        findings.getOrDefault(policy, Map.of()).forEach((k, v) -> trees.put(k, v.tree()));
        return trees;
    }
}
