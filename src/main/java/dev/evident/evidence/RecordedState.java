package dev.evident.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the log says now: the last recorded result of every finding and the spec hash in force per policy.
 * Writers compare an evaluation against it, so only changes become records, across restarts and CI runs alike.
 */
public final class RecordedState {
    private final Map<String, Map<String, JsonNode>> findings = new HashMap<>();
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
                Map<String, JsonNode> byKey = findings.computeIfAbsent(policy, p -> new HashMap<>());
                if (EvidenceData.REMOVED.equals(data.path("result").asText())) {
                    byKey.remove(key(data));
                } else {
                    byKey.put(key(data), data);
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
        Map<String, JsonNode> recorded = new LinkedHashMap<>(findings.getOrDefault(evaluation.policy(), Map.of()));
        List<ObjectNode> changes = new ArrayList<>();
        for (Finding f : evaluation.findings()) {
            JsonNode last = recorded.remove(key(f));
            String previous = last == null ? null : last.path("result").asText();
            if (!f.result().wire().equals(previous)) {
                changes.add(EvidenceData.finding(f, f.result().wire(), previous));
            }
        }
        recorded.values().stream().sorted(java.util.Comparator.comparing(RecordedState::key))
                .forEach(gone -> changes.add(EvidenceData.removed(gone)));
        return changes;
    }

    /** Forgets a deleted policy's findings after its removal records are written. */
    public synchronized Map<String, JsonNode> findingsOf(String policy) {
        return Map.copyOf(findings.getOrDefault(policy, Map.of()));
    }
}
