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
    /** A finding as the log names it (namespace null for cluster-scoped objects). */
    private record Key(String control, String kind, String namespace, String name) {
        static Key of(Finding f) {
            return new Key(f.control(), f.object().kind(), f.object().namespace(), f.object().name());
        }

        static Key of(JsonNode data) {
            JsonNode namespace = data.path("namespace");
            return new Key(data.path("control").asText(), data.path("kind").asText(), namespace.isTextual() ? namespace.asText() : null,
                    data.path("name").asText());
        }

        /** The order removal records are written in. */
        String text() {
            return control + "|" + kind + "|" + namespace + "|" + name;
        }
    }

    /**
     * The last record of a finding: its result and what a removal record repeats of it besides its key. Few distinct
     * values exist, so each is held once (see {@link #canonical}): tens of thousands of findings cost a key each.
     */
    private record Recorded(String result, String controlType, List<String> criteria) {
        static Recorded of(JsonNode data) {
            List<String> criteria = null;
            if (data.path("criteria").isArray()) {
                criteria = new ArrayList<>();
                for (JsonNode c : data.path("criteria")) {
                    criteria.add(c.asText());
                }
                criteria = List.copyOf(criteria);
            }
            return new Recorded(data.path("result").asText(), data.path("controlType").isTextual() ? data.path("controlType").asText() : null, criteria);
        }
    }

    private final Map<String, Map<Key, Recorded>> findings = new HashMap<>();
    private final Map<Recorded, Recorded> canonical = new HashMap<>();
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
                Map<Key, Recorded> byKey = findings.computeIfAbsent(policy, p -> new HashMap<>());
                if (EvidenceData.REMOVED.equals(data.path("result").asText())) {
                    byKey.remove(Key.of(data));
                } else {
                    byKey.put(Key.of(data), canonical.computeIfAbsent(Recorded.of(data), r -> r));
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
        Map<Key, Recorded> recorded = findings.getOrDefault(evaluation.policy(), Map.of());
        Set<Key> produced = new HashSet<>(recorded.size() * 4 / 3 + 16);
        for (ControlEvaluation control : evaluation.controls()) {
            for (Finding f : control.findings()) {
                Key key = Key.of(f);
                produced.add(key);
                changed(f, recorded.get(key), changes);
            }
        }
        removed(evaluation.policy(), recorded.keySet().stream().filter(k -> !produced.contains(k)).toList(), changes);
    }

    /**
     * The finding records for what a diff replaced, which give the same as {@link #findingChanges(PolicyEvaluation,
     * Consumer)} when this state has recorded the evaluation the diff follows.
     */
    public synchronized void findingChanges(String policy, EvaluationDiff diff, Consumer<ObjectNode> changes) {
        Map<Key, Recorded> recorded = findings.getOrDefault(policy, Map.of());
        Set<Key> produced = new HashSet<>();
        for (Finding f : diff.added()) {
            Key key = Key.of(f);
            produced.add(key);
            changed(f, recorded.get(key), changes);
        }
        List<Key> gone = new ArrayList<>();
        for (Finding f : diff.removed()) {
            Key key = Key.of(f);
            if (!produced.contains(key) && recorded.containsKey(key)) {
                gone.add(key);
            }
        }
        removed(policy, gone, changes);
    }

    private static void changed(Finding f, Recorded last, Consumer<ObjectNode> changes) {
        String previous = last == null ? null : last.result();
        if (!f.result().wire().equals(previous)) {
            changes.accept(EvidenceData.finding(f, f.result().wire(), previous));
        }
    }

    /** Removal records for these recorded findings, in key order (built first: the consumer may apply them meanwhile). */
    private void removed(String policy, List<Key> keys, Consumer<ObjectNode> changes) {
        Map<Key, Recorded> recorded = findings.getOrDefault(policy, Map.of());
        List<ObjectNode> records = keys.stream().sorted(java.util.Comparator.comparing(Key::text)).map(k -> {
            Recorded last = recorded.get(k);
            return EvidenceData.removed(policy, k.control(), last.controlType(), last.criteria(), k.kind(), k.namespace(), k.name(), last.result());
        }).toList();
        records.forEach(changes);
    }

    /** Removal records for every finding recorded for the policy (it was deleted), in key order. */
    public synchronized List<ObjectNode> removals(String policy) {
        List<ObjectNode> records = new ArrayList<>();
        removed(policy, List.copyOf(findings.getOrDefault(policy, Map.of()).keySet()), records::add);
        return records;
    }
}
