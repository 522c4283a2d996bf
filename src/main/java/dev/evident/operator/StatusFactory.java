package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.api.v1alpha1.ControlSummary;
import dev.evident.api.v1alpha1.Violation;
import dev.evident.api.v1alpha1.Violations;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a policy's status from an evaluation. Conditions keep their lastTransitionTime while their
 * status and reason stay the same, and per-control lastEvaluated is only refreshed when the counts change
 * or the previous one is older than the resync interval, so that an unchanged cluster produces an
 * unchanged status and no write.
 */
final class StatusFactory {
    static final String READY = "Ready";
    static final String COMPLIANT = "Compliant";

    private final Clock clock;
    private final Duration refreshAfter;

    StatusFactory(Clock clock, Duration refreshAfter) {
        this.clock = clock;
        this.refreshAfter = refreshAfter;
    }

    ControlPolicyStatus invalid(ControlPolicy policy, PolicyEvaluation evaluation) {
        ControlPolicyStatus previous = previous(policy);
        ControlPolicyStatus status = new ControlPolicyStatus();
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        status.setSpecHash(evaluation.specHash());
        status.setControlCount(policy.getSpec() == null || policy.getSpec().getControls() == null ? 0 : policy.getSpec().getControls().size());
        String message = String.join("; ", evaluation.problems());
        status.setConditions(List.of(
                condition(previous, policy, READY, "False", "InvalidSpec", message),
                condition(previous, policy, COMPLIANT, "Unknown", "InvalidSpec", "the policy is not evaluated until its spec is fixed")));
        return status;
    }

    /**
     * @param remediated    remediations applied so far per control id (cumulative for this operator instance)
     * @param evidenceError why the evidence log cannot be written, or null when it can
     */
    ControlPolicyStatus evaluated(ControlPolicy policy, PolicyEvaluation evaluation, Map<String, Long> remediated, RemediationOutcome outcome,
            String evidenceError) {
        ControlPolicyStatus previous = previous(policy);
        Instant now = clock.instant();
        ControlPolicyStatus status = new ControlPolicyStatus();
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        status.setSpecHash(evaluation.specHash());
        status.setScore(evaluation.score());
        status.setControlCount(evaluation.controls().size());

        List<ControlSummary> summaries = new ArrayList<>();
        for (ControlEvaluation control : evaluation.controls()) {
            ControlSummary summary = new ControlSummary();
            summary.setId(control.id());
            summary.setType(control.type());
            summary.setMode(control.mode());
            summary.setCriteria(control.criteria());
            summary.setCompliant((int) control.count(Result.PASS));
            summary.setViolating((int) control.count(Result.FAIL));
            summary.setExcepted((int) control.count(Result.EXCEPTED));
            summary.setErrors((int) control.count(Result.ERROR));
            summary.setRemediated(remediated.getOrDefault(control.id(), 0L));
            summary.setLastEvaluated(lastEvaluated(previous, summary, now));
            summaries.add(summary);
        }
        status.setControls(summaries);

        long failing = evaluation.count(Result.FAIL);
        Violations violations = new Violations();
        violations.setTotal((int) failing);
        violations.setItems(evaluation.controls().stream().flatMap(c -> c.failures().stream()).limit(Violations.MAX_ITEMS)
                .map(f -> new Violation(f.control(), f.object().namespace(), f.object().kind(), f.object().name(), f.reason(), f.message()))
                .toList());
        status.setViolations(violations);

        long errors = evaluation.count(Result.ERROR);
        Condition ready = errors > 0
                ? condition(previous, policy, READY, "False", "ControlError", errors + " findings could not be evaluated; see violations and Events")
                : evidenceError != null
                ? condition(previous, policy, READY, "False", "EvidenceWriteFailed", "evaluated, but the evidence log cannot be written ("
                        + evidenceError + "); records are queued and retried, see evident_evidence_write_errors_total")
                : condition(previous, policy, READY, "True", "Evaluated", evaluation.controls().size() + " controls evaluated");
        Condition compliant;
        if (evaluation.nothingJudged()) {
            compliant = condition(previous, policy, COMPLIANT, "Unknown", "NothingSelected",
                    "no object was judged: the namespaceSelector and excludedNamespaces select no namespace, or nothing selected is applicable; "
                            + "an empty selection is not evidence of compliance");
        } else if (failing == 0) {
            compliant = condition(previous, policy, COMPLIANT, "True", "NoViolations", "all selected objects comply");
        } else if (outcome.failed() > 0) {
            compliant = condition(previous, policy, COMPLIANT, "False", "RemediationFailed",
                    failing + " violations, " + outcome.failed() + " remediations failed; see the RemediationFailed Events");
        } else if (outcome.pending() > 0) {
            compliant = condition(previous, policy, COMPLIANT, "False", "Remediating",
                    failing + " violations, " + outcome.pending() + " remediations pending");
        } else {
            compliant = condition(previous, policy, COMPLIANT, "False", "Violations", failing + " violations");
        }
        status.setConditions(List.of(ready, compliant));
        return status;
    }

    private String lastEvaluated(ControlPolicyStatus previous, ControlSummary summary, Instant now) {
        ControlSummary before = previous == null ? null : previous.getControls().stream()
                .filter(c -> Objects.equals(c.getId(), summary.getId())).findFirst().orElse(null);
        if (before != null && before.sameCounts(summary) && before.getLastEvaluated() != null) {
            try {
                Instant then = Instant.parse(before.getLastEvaluated());
                if (Duration.between(then, now).compareTo(refreshAfter) < 0) {
                    return before.getLastEvaluated();
                }
            } catch (RuntimeException unparsable) {
                // fall through: write a fresh time
            }
        }
        return format(now);
    }

    private Condition condition(ControlPolicyStatus previous, ControlPolicy policy, String type, String status, String reason, String message) {
        Condition before = previous == null ? null : previous.getConditions().stream()
                .filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String since = before != null && status.equals(before.getStatus()) && reason.equals(before.getReason())
                ? before.getLastTransitionTime() : format(clock.instant());
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(since)
                .withObservedGeneration(policy.getMetadata().getGeneration())
                .build();
    }

    private static ControlPolicyStatus previous(ControlPolicy policy) {
        return policy.getStatus();
    }

    static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
