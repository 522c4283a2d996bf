package dev.evident.exceptions;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.ExceptionObjectSelector;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Result;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ControlExceptions applied to a policy's findings. Pure: the evaluation time comes in as {@code now}, so the
 * operator and the audit command except the same findings. A matching fail or notApplicable finding becomes
 * excepted (a pass needs no waiver, an error must stay visible), keeps its reason, names the exception in its
 * message, loses its remediation plan, and is due to change at the exception's expiry.
 */
public final class Exceptions {
    /** The operator's default bound on expiresAt - creation (evident.exceptions.max-duration). */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofDays(90);

    /** The findings with exceptions applied, and what each exception naming the policy did. */
    public record Applied(List<ControlEvaluation> controls, List<ExceptionOutcome> outcomes) {
    }

    private Exceptions() {
    }

    public static Applied apply(ControlPolicy policy, List<ControlEvaluation> controls, Collection<ControlException> all, Instant now,
            Duration maxDuration) {
        String policyName = policy.getMetadata() == null ? null : policy.getMetadata().getName();
        List<ControlException> mine = all.stream()
                .filter(e -> e.getSpec() != null && policyName != null && policyName.equals(e.getSpec().getPolicy()))
                .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
                .toList();
        if (mine.isEmpty()) {
            return new Applied(controls, List.of());
        }
        Set<String> controlIds = policy.getSpec() == null || policy.getSpec().getControls() == null ? Set.of()
                : policy.getSpec().getControls().stream().map(ControlSpec::getId).collect(Collectors.toSet());
        List<ExceptionOutcome> judged = new ArrayList<>();
        List<List<Finding>> covered = new ArrayList<>();
        for (ControlException e : mine) {
            List<String> problems = new ArrayList<>(problems(e, now, maxDuration));
            for (String id : Objects.requireNonNullElse(e.getSpec().getControls(), List.<String>of())) {
                if (!controlIds.contains(id)) {
                    problems.add("spec.controls: policy " + policyName + " has no control " + id);
                }
            }
            Instant expiresAt = expiresAt(e.getSpec());
            ExceptionState state = !problems.isEmpty() ? ExceptionState.Invalid
                    : now.isBefore(expiresAt) ? ExceptionState.Active : ExceptionState.Expired;
            judged.add(new ExceptionOutcome(e.getMetadata().getName(), policyName, state, problems, expiresAt, List.of()));
            covered.add(new ArrayList<>());
        }

        List<ControlEvaluation> result = new ArrayList<>();
        for (ControlEvaluation control : controls) {
            List<Finding> findings = new ArrayList<>();
            for (Finding f : control.findings()) {
                Finding kept = f;
                if (f.result() == Result.FAIL || f.result() == Result.NOT_APPLICABLE) {
                    boolean excepted = false;
                    for (int i = 0; i < mine.size(); i++) {
                        ExceptionOutcome o = judged.get(i);
                        if (o.state() == ExceptionState.Invalid || !matches(mine.get(i).getSpec(), f)) {
                            continue;
                        }
                        if (o.state() == ExceptionState.Expired) {
                            covered.get(i).add(f);
                        } else if (!excepted) {
                            // The first Active exception by name takes the finding; a second one matching it stays unused.
                            excepted = true;
                            kept = excepted(f, mine.get(i), o.expiresAt());
                            covered.get(i).add(kept);
                        }
                    }
                }
                findings.add(kept);
            }
            result.add(new ControlEvaluation(control.id(), control.type(), control.mode(), control.criteria(), findings));
        }
        List<ExceptionOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < judged.size(); i++) {
            ExceptionOutcome o = judged.get(i);
            outcomes.add(new ExceptionOutcome(o.name(), policyName, o.state(), o.problems(), o.expiresAt(), covered.get(i)));
        }
        return new Applied(result, outcomes);
    }

    /**
     * What each exception did after an evaluation replaced some findings (removed) by re-judged ones (added, with the
     * exceptions already applied), from what they did before: each one's covered findings without the removed ones and
     * with the added ones it covers, in evaluation order. The same as applying every exception again, as long as the
     * exceptions and their states are those of before. Empty when only that can tell: an added finding that an Active
     * exception took and an Expired one covers too (the Expired one lists it as it was before any exception).
     */
    public static Optional<List<ExceptionOutcome>> carry(ControlPolicy policy, List<ExceptionOutcome> before, Collection<ControlException> all,
            List<Finding> removed, List<Finding> added) {
        Map<String, ControlException> byName = new HashMap<>();
        all.forEach(e -> byName.put(e.getMetadata().getName(), e));
        Set<Finding.Id> gone = new HashSet<>();
        removed.forEach(f -> gone.add(f.id()));
        Map<String, Integer> controlOrder = new HashMap<>();
        for (ControlSpec c : policy.getSpec().getControls()) {
            controlOrder.putIfAbsent(c.getId(), controlOrder.size());
        }
        Comparator<Finding> order = Comparator.comparing((Finding f) -> controlOrder.getOrDefault(f.control(), Integer.MAX_VALUE)).thenComparing(Engine.ORDER);
        List<List<Finding>> fresh = new ArrayList<>();
        before.forEach(o -> fresh.add(new ArrayList<>()));
        for (Finding f : added) {
            boolean taken = false;
            for (int i = 0; i < before.size(); i++) {
                ExceptionOutcome o = before.get(i);
                ControlException e = byName.get(o.name());
                if (e == null || o.state() == ExceptionState.Invalid || !matches(e.getSpec(), f)) {
                    continue;
                }
                if (o.state() == ExceptionState.Expired && (f.result() == Result.FAIL || f.result() == Result.NOT_APPLICABLE)) {
                    fresh.get(i).add(f);
                } else if (o.state() == ExceptionState.Expired && f.result() == Result.EXCEPTED) {
                    return Optional.empty();
                } else if (o.state() == ExceptionState.Active && f.result() == Result.EXCEPTED && !taken) {
                    taken = true; // the first Active exception by name took it
                    fresh.get(i).add(f);
                }
            }
        }
        List<ExceptionOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            ExceptionOutcome o = before.get(i);
            List<Finding> covered = new ArrayList<>(o.covered().size() + fresh.get(i).size());
            o.covered().stream().filter(f -> !gone.contains(f.id())).forEach(covered::add);
            if (!fresh.get(i).isEmpty()) {
                covered.addAll(fresh.get(i));
                covered.sort(order);
            }
            outcomes.add(new ExceptionOutcome(o.name(), o.policy(), o.state(), o.problems(), o.expiresAt(), covered));
        }
        return Optional.of(outcomes);
    }

    /**
     * What is wrong with an exception on its own (without looking at its policy): missing fields, an unreadable
     * or too distant expiresAt, no scope. Creation is metadata.creationTimestamp, or {@code now} when it has none
     * (a file read offline).
     */
    public static List<String> problems(ControlException e, Instant now, Duration maxDuration) {
        List<String> problems = new ArrayList<>();
        ControlExceptionSpec spec = e.getSpec();
        if (spec == null) {
            return List.of("spec: required");
        }
        if (blank(spec.getPolicy())) {
            problems.add("spec.policy: required");
        }
        if (spec.getControls() == null || spec.getControls().isEmpty()) {
            problems.add("spec.controls: name at least one control id");
        }
        if (blank(spec.getJustification()) || spec.getJustification().strip().length() < ControlExceptionSpec.MIN_JUSTIFICATION) {
            problems.add("spec.justification: required, at least " + ControlExceptionSpec.MIN_JUSTIFICATION + " characters");
        }
        if (blank(spec.getApprovedBy())) {
            problems.add("spec.approvedBy: required");
        }
        boolean noNamespaces = spec.getNamespaces() == null || spec.getNamespaces().isEmpty();
        ExceptionObjectSelector selector = spec.getObjectSelector();
        if (noNamespaces && selector == null) {
            problems.add("spec.namespaces: give namespaces or objectSelector (what the exception covers)");
        }
        if (selector != null && (selector.getNames() == null || selector.getNames().isEmpty())) {
            problems.add("spec.objectSelector.names: name at least one object");
        }
        if (blank(spec.getExpiresAt())) {
            problems.add("spec.expiresAt: required");
        } else {
            Instant expiresAt = expiresAt(spec);
            if (expiresAt == null) {
                problems.add("spec.expiresAt: '" + spec.getExpiresAt() + "' is not an RFC 3339 time such as 2027-01-31T00:00:00Z");
            } else {
                Instant created = created(e, now);
                if (Duration.between(created, expiresAt).compareTo(maxDuration) > 0) {
                    problems.add("spec.expiresAt: " + spec.getExpiresAt() + " is more than " + maxDuration.toDays() + " days after creation ("
                            + created + "), the operator's maximum");
                }
            }
        }
        return problems;
    }

    /** Whether the exception's scope covers this finding's control and object. */
    static boolean matches(ControlExceptionSpec spec, Finding f) {
        if (spec.getControls() == null || !spec.getControls().contains(f.control())) {
            return false;
        }
        ObjectRef o = f.object();
        boolean inNamespaces = spec.getNamespaces() == null || spec.getNamespaces().isEmpty()
                || o.namespace() != null && spec.getNamespaces().contains(o.namespace());
        ExceptionObjectSelector selector = spec.getObjectSelector();
        boolean named = selector == null
                || (selector.getKind() == null || selector.getKind().equals(o.kind())) && selector.getNames() != null && selector.getNames().contains(o.name());
        return inNamespaces && named;
    }

    private static Finding excepted(Finding f, ControlException e, Instant expiresAt) {
        ControlExceptionSpec spec = e.getSpec();
        String message = f.message() + " [excepted by ControlException " + e.getMetadata().getName() + " until " + spec.getExpiresAt()
                + ", approved by " + spec.getApprovedBy() + (blank(spec.getTicket()) ? "" : ", ticket " + spec.getTicket()) + "]";
        Instant changesAt = f.changesAt() == null || expiresAt.isBefore(f.changesAt()) ? expiresAt : f.changesAt();
        return new Finding(f.policy(), f.control(), f.type(), f.criteria(), f.object(), Result.EXCEPTED, f.reason(), message, null, changesAt);
    }

    /** The parsed expiresAt, or null when absent or not an RFC 3339 time. */
    public static Instant expiresAt(ControlExceptionSpec spec) {
        if (spec == null || blank(spec.getExpiresAt())) {
            return null;
        }
        try {
            return OffsetDateTime.parse(spec.getExpiresAt()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant created(ControlException e, Instant now) {
        String created = e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp();
        if (created == null) {
            return now;
        }
        try {
            return OffsetDateTime.parse(created).toInstant();
        } catch (DateTimeParseException unreadable) {
            return now;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
