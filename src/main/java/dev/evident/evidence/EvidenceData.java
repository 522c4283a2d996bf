package dev.evident.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The {@code data} of each record type, in one place (field names are a contract: README "Evidence for
 * auditors"). Records say what the engine decided; they never hold Secret values (findings carry none).
 */
public final class EvidenceData {
    /** The result of a finding whose object (or control) is gone. */
    public static final String REMOVED = "removed";

    private EvidenceData() {
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A finding's result changed from previous (null: first seen) to result. */
    public static ObjectNode finding(Finding f, String result, String previous) {
        ObjectNode data = about(f);
        data.put("result", result);
        putNullable(data, "previous", previous);
        putNullable(data, "reason", f.reason());
        putNullable(data, "message", f.message());
        return data;
    }

    /**
     * A finding that was recorded before and is no longer produced (object deleted, control removed): what its last
     * record said of it, without the message, with that record's result as previous.
     */
    public static ObjectNode removed(String policy, String control, String controlType, List<String> criteria, String kind, String namespace,
            String name, String previous) {
        ObjectNode data = object();
        data.put("policy", policy);
        data.put("control", control);
        if (controlType != null) {
            data.put("controlType", controlType);
        }
        if (criteria != null) {
            criteria.forEach(data.putArray("criteria")::add);
        }
        data.put("kind", kind);
        putNullable(data, "namespace", namespace);
        data.put("name", name);
        data.put("result", REMOVED);
        data.put("previous", previous);
        data.put("reason", "NoLongerEvaluated");
        return data;
    }

    /** A ControlException's new state, with the whole waiver as it stood and how many findings it covered. */
    public static ObjectNode exception(ControlException exception, String state, int covered, List<String> problems) {
        ObjectNode data = object();
        data.put("name", exception.getMetadata().getName());
        data.put("state", state);
        ControlExceptionSpec spec = exception.getSpec();
        if (spec != null) {
            data.put("policy", spec.getPolicy());
            data.set("controls", Serialization.jsonMapper().valueToTree(spec.getControls()));
            data.set("namespaces", Serialization.jsonMapper().valueToTree(spec.getNamespaces()));
            data.set("objectSelector", Serialization.jsonMapper().valueToTree(spec.getObjectSelector()));
            data.put("approvedBy", spec.getApprovedBy());
            data.put("ticket", spec.getTicket());
            data.put("justification", spec.getJustification());
            data.put("expiresAt", spec.getExpiresAt());
        }
        data.put("covered", covered);
        data.set("problems", Serialization.jsonMapper().valueToTree(problems));
        return data;
    }

    /** A policy version: generation, spec hash, who changed it (the field manager of the spec), the controls in force. */
    public static ObjectNode policy(ControlPolicy policy, PolicyEvaluation evaluation, String source) {
        ObjectNode data = object();
        data.put("policy", evaluation.policy());
        data.put("specHash", evaluation.specHash());
        Long generation = policy.getMetadata() == null ? null : policy.getMetadata().getGeneration();
        if (generation != null) {
            data.put("generation", generation);
        } else {
            data.putNull("generation");
        }
        putNullable(data, "changedBy", changedBy(policy).orElse(null));
        data.put("source", source);
        data.put("valid", evaluation.valid());
        var controls = data.putArray("controls");
        for (ControlEvaluation c : evaluation.controls()) {
            ObjectNode control = controls.addObject();
            control.put("id", c.id());
            control.put("type", c.type());
            control.put("mode", c.mode() == null ? null : c.mode().name());
            c.criteria().forEach(control.putArray("criteria")::add);
        }
        return data;
    }

    /** A deleted policy: its controls are no longer in force. */
    public static ObjectNode policyDeleted(String policy, String changedBy) {
        ObjectNode data = object();
        data.put("policy", policy);
        data.put("deleted", true);
        putNullable(data, "changedBy", changedBy);
        return data;
    }

    /**
     * Who last changed the spec: the manager of the newest managedFields entry that owns spec fields. (The
     * API server records the field manager, not the user; the user is in the API server's audit log.)
     */
    public static Optional<String> changedBy(ControlPolicy policy) {
        if (policy.getMetadata() == null || policy.getMetadata().getManagedFields() == null) {
            return Optional.empty();
        }
        return policy.getMetadata().getManagedFields().stream()
                .filter(m -> m.getFieldsV1() != null && m.getFieldsV1().getAdditionalProperties().containsKey("f:spec"))
                .max(Comparator.comparing((ManagedFieldsEntry m) -> m.getTime() == null ? "" : m.getTime()))
                .map(m -> m.getManager() + (m.getOperation() == null ? "" : " (" + m.getOperation() + ")"));
    }

    /** An evaluation summary. */
    public static ObjectNode run(PolicyEvaluation evaluation, Instant evaluatedAt, String source) {
        ObjectNode data = object();
        data.put("policy", evaluation.policy());
        data.put("specHash", evaluation.specHash());
        data.put("source", source);
        data.put("evaluatedAt", EvidenceRecord.TIME.format(evaluatedAt));
        ObjectNode summary = data.putObject("summary");
        for (Result r : Result.values()) {
            summary.put(r.wire(), evaluation.count(r));
        }
        if (evaluation.valid()) {
            data.put("score", evaluation.score());
        } else {
            data.putNull("score");
            evaluation.problems().forEach(data.putArray("problems")::add);
        }
        return data;
    }

    public static ObjectNode heartbeat(long intervalSeconds, List<String> policies) {
        ObjectNode data = object();
        data.put("intervalSeconds", intervalSeconds);
        policies.forEach(data.putArray("policies")::add);
        return data;
    }

    /** A remediation with the object before and after (outcome success only once the result was verified). */
    public static ObjectNode remediation(Finding f, String action, Object before, Object after, String outcome, String error) {
        ObjectNode data = about(f);
        putNullable(data, "action", action);
        data.set("before", EvidenceRecord.JSON.valueToTree(before));
        data.set("after", EvidenceRecord.JSON.valueToTree(after));
        data.put("outcome", outcome);
        putNullable(data, "error", error);
        return data;
    }

    /** What a finding is about: policy, control, its type and criteria, and the object. */
    private static ObjectNode about(Finding f) {
        ObjectNode data = object();
        data.put("policy", f.policy());
        data.put("control", f.control());
        data.put("controlType", f.type());
        f.criteria().forEach(data.putArray("criteria")::add);
        data.put("kind", f.object().kind());
        putNullable(data, "namespace", f.object().namespace());
        data.put("name", f.object().name());
        return data;
    }

    static void putNullable(ObjectNode data, String key, String value) {
        if (value == null) {
            data.putNull(key);
        } else {
            data.put(key, value);
        }
    }
}
