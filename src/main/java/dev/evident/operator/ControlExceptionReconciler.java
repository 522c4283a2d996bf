package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlExceptionStatus;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Violation;
import dev.evident.engine.Finding;
import dev.evident.exceptions.ExceptionOutcome;
import dev.evident.exceptions.ExceptionState;
import dev.evident.exceptions.Exceptions;
import dev.evident.evidence.EvidenceData;
import dev.evident.evidence.EvidenceRecorder;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes each ControlException's status (Active, Expired or Invalid, the findings it covers, whether it is
 * unused, Ready) from what the policy reconciler's latest evaluation did with it ({@link ExceptionBook}),
 * and records every state change as an Event, an evidence record and metrics. An exception naming a policy
 * that does not exist is Invalid. Deletion is a state change too, hence the finalizer.
 */
@ControllerConfiguration(name = ControlExceptionReconciler.NAME)
public class ControlExceptionReconciler implements Reconciler<ControlException>, Cleaner<ControlException> {
    public static final String NAME = "controlexception";
    static final String DELETED = "Deleted";

    private final Clock clock;
    private final KubernetesClient client;
    private final ExceptionBook book;
    private final EvidentMetrics metrics;
    private final EvidenceRecorder evidence;
    private final EventRecorder events;
    private final Duration maxDuration;
    private InformerEventSource<ControlPolicy, ControlException> policies;

    public ControlExceptionReconciler(Clock clock, KubernetesClient client, ExceptionBook book, EvidentMetrics metrics, EvidenceRecorder evidence,
            @ConfigProperty(name = "evident.exceptions.max-duration") Duration maxDuration) {
        this.clock = clock;
        this.client = client;
        this.book = book;
        this.metrics = metrics;
        this.evidence = evidence;
        this.maxDuration = maxDuration;
        this.events = new EventRecorder(client, clock);
    }

    @Override
    public List<EventSource<?, ControlException>> prepareEventSources(EventSourceContext<ControlException> context) {
        // A policy created or deleted decides whether the exceptions naming it are valid.
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(ControlPolicy.class, ControlException.class)
                .withName("ControlPolicyOfException")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(policy -> context.getPrimaryCache()
                        .list(e -> e.getSpec() != null && policy.getMetadata().getName().equals(e.getSpec().getPolicy()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);
        SimpleInboundEventSource<ControlException> applied = new SimpleInboundEventSource<>("ExceptionOutcomes");
        // Only for exceptions that still exist: an event for a deleted one would reach JOSDK with no resource.
        book.onChange(name -> context.getPrimaryCache().get(new ResourceID(name))
                .filter(e -> e.getMetadata().getDeletionTimestamp() == null)
                .ifPresent(e -> applied.propagateEvent(new ResourceID(name))));
        return List.of(policies, applied);
    }

    @Override
    public UpdateControl<ControlException> reconcile(ControlException exception, Context<ControlException> context) {
        Optional<ExceptionOutcome> outcome = outcome(exception);
        if (outcome.isEmpty()) {
            return UpdateControl.noUpdate(); // its policy has not been evaluated with it yet: the book calls back when it has
        }
        ExceptionOutcome o = outcome.get();
        ControlExceptionStatus status = status(exception, o);
        String before = exception.getStatus() == null ? null : exception.getStatus().getState();
        if (!o.state().name().equals(before)) {
            recordChange(exception, o);
        }
        metrics.exception(exception.getMetadata().getName(), o.policy(), o.state(), o.expiresAt());
        if (!status.equals(exception.getStatus())) {
            String patch = Serialization.asJson(List.of(java.util.Map.of("op", "add", "path", "/status", "value", status)));
            client.resources(ControlException.class).withName(exception.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
        }
        return UpdateControl.noUpdate();
    }

    /** What the latest evaluation of its policy did with it; Invalid without one when the spec or the policy is wrong. */
    private Optional<ExceptionOutcome> outcome(ControlException exception) {
        String name = exception.getMetadata().getName();
        ControlExceptionSpec spec = exception.getSpec();
        String policy = spec == null ? null : spec.getPolicy();
        Instant now = clock.instant();
        List<String> problems = Exceptions.problems(exception, now, maxDuration);
        Optional<ControlPolicy> named = policy == null ? Optional.empty() : policies.get(new ResourceID(policy));
        boolean policyExists = named.isPresent();
        if (!policyExists && problems.isEmpty()) {
            problems = List.of("spec.policy: no ControlPolicy named " + policy);
        } else if (problems.isEmpty() && invalid(named.get())) {
            problems = List.of("spec.policy: ControlPolicy " + policy + " is invalid (InvalidSpec) and not in force");
        }
        Optional<ExceptionOutcome> applied = book.outcome(name).filter(o -> Objects.equals(o.policy(), policy));
        if (policyExists && applied.isPresent()) {
            return applied;
        }
        if (!problems.isEmpty()) {
            return Optional.of(new ExceptionOutcome(name, policy, ExceptionState.Invalid, problems, Exceptions.expiresAt(spec), List.of()));
        }
        return Optional.empty();
    }

    /** The policy's own status says its current spec is invalid: it is not evaluated, so nothing is excepted. */
    private static boolean invalid(ControlPolicy policy) {
        return policy.getStatus() != null && Objects.equals(policy.getStatus().getObservedGeneration(), policy.getMetadata().getGeneration())
                && policy.getStatus().getConditions().stream()
                        .anyMatch(c -> StatusFactory.READY.equals(c.getType()) && "InvalidSpec".equals(c.getReason()));
    }

    ControlExceptionStatus status(ControlException exception, ExceptionOutcome o) {
        ControlExceptionStatus previous = exception.getStatus();
        ControlExceptionStatus status = new ControlExceptionStatus();
        status.setObservedGeneration(exception.getMetadata().getGeneration());
        status.setState(o.state().name());
        status.setExpiresAt(exception.getSpec() == null ? null : exception.getSpec().getExpiresAt());
        status.setCoveredCount(o.covered().size());
        status.setCovered(o.covered().stream().limit(ControlExceptionStatus.MAX_ITEMS)
                .map(f -> new Violation(f.control(), f.object().namespace(), f.object().kind(), f.object().name(), f.reason(), f.message()))
                .toList());
        status.setUnused(o.state() == ExceptionState.Active ? o.unused() : null);
        Condition ready = switch (o.state()) {
            case Active -> condition(previous, exception, "True", "Active", o.unused()
                    ? "valid until " + o.expiresAt() + ", but matches no finding of policy " + o.policy() + " that needs it (unused)"
                    : "excepts " + o.covered().size() + " findings of policy " + o.policy() + " until " + o.expiresAt());
            case Expired -> condition(previous, exception, "False", "Expired", "expired at " + o.expiresAt() + "; "
                    + o.covered().size() + " findings it covered are judged on their own again");
            case Invalid -> condition(previous, exception, "False", "InvalidSpec", String.join("; ", o.problems()) + "; nothing is excepted");
        };
        status.setConditions(List.of(ready));
        return status;
    }

    private Condition condition(ControlExceptionStatus previous, ControlException exception, String status, String reason, String message) {
        Condition before = previous == null ? null : previous.getConditions().stream()
                .filter(c -> StatusFactory.READY.equals(c.getType())).findFirst().orElse(null);
        String since = before != null && status.equals(before.getStatus()) && reason.equals(before.getReason())
                ? before.getLastTransitionTime() : StatusFactory.format(clock.instant());
        return new ConditionBuilder().withType(StatusFactory.READY).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(exception.getMetadata().getGeneration()).build();
    }

    private void recordChange(ControlException exception, ExceptionOutcome o) {
        switch (o.state()) {
            case Active -> events.normal(exception, "ExceptionActive", "excepts " + o.covered().size() + " findings of policy " + o.policy()
                    + " until " + o.expiresAt() + ", approved by " + exception.getSpec().getApprovedBy() + (o.unused() ? " (unused: it matches no finding that needs it)" : ""));
            case Expired -> events.warning(exception, "ExceptionExpired", "expired at " + o.expiresAt() + "; " + o.covered().size()
                    + " findings of policy " + o.policy() + " are no longer excepted" + named(o.covered()));
            case Invalid -> events.warning(exception, "ExceptionInvalid", String.join("; ", o.problems()) + "; nothing is excepted");
        }
        evidence.exception(EvidenceData.exception(exception, o.state().name(), o.covered().size(), o.problems()));
    }

    private static String named(List<Finding> findings) {
        return findings.isEmpty() ? "" : ": " + findings.stream().limit(20).map(f -> f.control() + " " + f.object() + " (" + f.result().wire() + ")")
                .collect(Collectors.joining(", ")) + (findings.size() > 20 ? ", ..." : "");
    }

    /** A deleted exception stops excepting (its policy re-evaluates without it); the deletion is recorded. */
    @Override
    public DeleteControl cleanup(ControlException exception, Context<ControlException> context) {
        String name = exception.getMetadata().getName();
        String policy = exception.getSpec() == null ? null : exception.getSpec().getPolicy();
        events.normal(exception, "ExceptionDeleted", "deleted; the findings of policy " + policy + " it covered are judged on their own again");
        evidence.exception(EvidenceData.exception(exception, DELETED, 0, List.of()));
        metrics.forgetException(name);
        events.forget(exception);
        return DeleteControl.defaultDelete();
    }
}
