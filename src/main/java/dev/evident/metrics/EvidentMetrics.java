package dev.evident.metrics;

import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import dev.evident.exceptions.ExceptionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The metric catalogue, in one place. Prometheus names (after Micrometer's naming convention):
 * <ul>
 *   <li>{@code evident_control_findings{policy,control,type,criterion,result}} gauge: findings per result</li>
 *   <li>{@code evident_compliance_score{policy}} gauge 0-100</li>
 *   <li>{@code evident_drift_detected_total{policy,control}} counter: compliant (or repaired) findings that turned to fail</li>
 *   <li>{@code evident_new_violations_total{policy,control}} counter: objects non-compliant when first seen</li>
 *   <li>{@code evident_remediation_duration_seconds{policy,control}} histogram: from detection (first seen failing) to a verified repair</li>
 *   <li>{@code evident_remediations_total{policy,control,outcome}} counter, outcome success|failure</li>
 *   <li>{@code evident_remediations_pending{policy}} gauge: planned remediations not yet applied (rate limit)</li>
 *   <li>{@code evident_last_evaluation_timestamp_seconds{policy}} gauge: Unix time of the last evaluation</li>
 *   <li>{@code evident_policy_valid{policy}} gauge: 1 when the policy is valid, 0 when InvalidSpec</li>
 *   <li>{@code evident_exceptions{policy,state}} gauge: ControlExceptions naming the policy, by state (Active, Expired, Invalid)</li>
 *   <li>{@code evident_exception_expiry_timestamp_seconds{exception}} gauge: Unix time an Active exception expires</li>
 *   <li>{@code evident_api_requests_total{verb,resource,code}} counter: requests sent to the API server ({@link ApiRequestMetrics})</li>
 *   <li>the evidence log's metrics: {@link dev.evident.evidence.EvidenceMetrics}</li>
 * </ul>
 * Cardinality is bounded by policies x controls x criteria x results; series of deleted policies and
 * controls are removed.
 */
@ApplicationScoped
public class EvidentMetrics {
    public static final String FINDINGS = "evident.control.findings";
    public static final String SCORE = "evident.compliance.score";
    public static final String DRIFT = "evident.drift.detected";
    public static final String NEW_VIOLATIONS = "evident.new.violations";
    public static final String TIME_TO_REMEDIATE = "evident.remediation.duration";
    public static final String REMEDIATIONS = "evident.remediations";
    public static final String PENDING = "evident.remediations.pending";
    public static final String LAST_EVALUATION = "evident.last.evaluation.timestamp.seconds";
    public static final String VALID = "evident.policy.valid";
    public static final String EXCEPTIONS = "evident.exceptions";
    public static final String EXCEPTION_EXPIRY = "evident.exception.expiry.timestamp.seconds";

    /**
     * Every metric the operator exports, by its Prometheus name (counters with their _total suffix), with
     * its labels: what alert rules and dashboards are checked against.
     */
    public static final Map<String, List<String>> PROMETHEUS_CATALOGUE = withEvidence(Map.ofEntries(
            Map.entry("evident_control_findings", List.of("policy", "control", "type", "criterion", "result")),
            Map.entry("evident_compliance_score", List.of("policy")),
            Map.entry("evident_drift_detected_total", List.of("policy", "control")),
            Map.entry("evident_new_violations_total", List.of("policy", "control")),
            Map.entry("evident_remediations_total", List.of("policy", "control", "outcome")),
            Map.entry("evident_remediations_pending", List.of("policy")),
            Map.entry("evident_last_evaluation_timestamp_seconds", List.of("policy")),
            Map.entry("evident_policy_valid", List.of("policy")),
            Map.entry("evident_exceptions", List.of("policy", "state")),
            Map.entry("evident_exception_expiry_timestamp_seconds", List.of("exception")),
            Map.entry("evident_api_requests_total", List.of("verb", "resource", "code")),
            // A histogram: buckets, count, sum and the largest value seen recently.
            Map.entry("evident_remediation_duration_seconds_bucket", List.of("policy", "control", "le")),
            Map.entry("evident_remediation_duration_seconds_count", List.of("policy", "control")),
            Map.entry("evident_remediation_duration_seconds_sum", List.of("policy", "control")),
            Map.entry("evident_remediation_duration_seconds_max", List.of("policy", "control"))));

    private static Map<String, List<String>> withEvidence(Map<String, List<String>> core) {
        Map<String, List<String>> all = new HashMap<>(core);
        all.putAll(dev.evident.evidence.EvidenceMetrics.CATALOGUE);
        return Map.copyOf(all);
    }

    private record ExceptionSeries(String policy, ExceptionState state, Instant expiresAt) {
    }

    private final MeterRegistry registry;
    /** Per policy, the gauge values it owns, so stale series can be dropped when a policy changes or goes. */
    private final Map<String, Map<Meter.Id, AtomicReference<Double>>> gaugesByPolicy = new ConcurrentHashMap<>();
    /** The latest state of each ControlException, and the gauges derived from them all. */
    private final Map<String, ExceptionSeries> exceptions = new HashMap<>();
    private final Map<Meter.Id, AtomicReference<Double>> exceptionGauges = new HashMap<>();

    public EvidentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Publishes one evaluation of a policy, replacing whatever the policy published before. */
    public synchronized void recordEvaluation(PolicyEvaluation evaluation, Instant evaluatedAt, int pendingRemediations) {
        String policy = evaluation.policy();
        Map<Meter.Id, Double> values = new HashMap<>();
        if (evaluation.valid() && evaluation.score() != null) {
            put(values, SCORE, Tags.of("policy", policy), evaluation.score());
        }
        put(values, LAST_EVALUATION, Tags.of("policy", policy), evaluatedAt.toEpochMilli() / 1000.0);
        put(values, VALID, Tags.of("policy", policy), evaluation.valid() ? 1 : 0);
        put(values, PENDING, Tags.of("policy", policy), pendingRemediations);
        for (ControlEvaluation control : evaluation.controls()) {
            for (String criterion : control.criteria()) {
                for (Result result : Result.values()) {
                    Tags tags = Tags.of("policy", policy, "control", control.id(), "type", control.type(),
                            "criterion", criterion, "result", result.wire());
                    put(values, FINDINGS, tags, control.count(result));
                }
            }
        }
        Map<Meter.Id, AtomicReference<Double>> owned = gaugesByPolicy.computeIfAbsent(policy, p -> new ConcurrentHashMap<>());
        for (Map.Entry<Meter.Id, Double> e : values.entrySet()) {
            owned.computeIfAbsent(e.getKey(), this::register).set(e.getValue());
        }
        Set<Meter.Id> stale = new HashSet<>(owned.keySet());
        stale.removeAll(values.keySet());
        stale.forEach(id -> {
            owned.remove(id);
            registry.remove(id);
        });
    }

    /**
     * Drops every series of a deleted policy, counters included: Prometheus keeps their history, and a
     * counter still exported for a policy that is gone would claim it is still watched.
     */
    public synchronized void forget(String policy) {
        Map<Meter.Id, AtomicReference<Double>> owned = gaugesByPolicy.remove(policy);
        if (owned != null) {
            owned.keySet().forEach(registry::remove);
        }
        for (String counter : List.of(DRIFT, NEW_VIOLATIONS, REMEDIATIONS)) {
            registry.find(counter).tag("policy", policy).counters().forEach(registry::remove);
        }
        registry.find(TIME_TO_REMEDIATE).tag("policy", policy).timers().forEach(registry::remove);
    }

    /**
     * The state of one ControlException (the policy it names, even when that does not exist); the expiry is
     * exported while it is Active, so that an alert can fire before it lapses and stops once it has.
     */
    public synchronized void exception(String name, String policy, ExceptionState state, Instant expiresAt) {
        exceptions.put(name, new ExceptionSeries(policy, state, expiresAt));
        publishExceptions();
    }

    public synchronized void forgetException(String name) {
        exceptions.remove(name);
        publishExceptions();
    }

    private void publishExceptions() {
        Map<Meter.Id, Double> values = new HashMap<>();
        for (ExceptionSeries e : exceptions.values()) {
            for (ExceptionState state : ExceptionState.values()) {
                values.merge(new Meter.Id(EXCEPTIONS, Tags.of("policy", e.policy(), "state", state.name()), null, null, Meter.Type.GAUGE),
                        e.state() == state ? 1.0 : 0.0, Double::sum);
            }
        }
        exceptions.forEach((name, e) -> {
            if (e.state() == ExceptionState.Active && e.expiresAt() != null) {
                put(values, EXCEPTION_EXPIRY, Tags.of("exception", name), e.expiresAt().toEpochMilli() / 1000.0);
            }
        });
        values.forEach((id, value) -> exceptionGauges.computeIfAbsent(id, this::register).set(value));
        Set<Meter.Id> stale = new HashSet<>(exceptionGauges.keySet());
        stale.removeAll(values.keySet());
        stale.forEach(id -> {
            exceptionGauges.remove(id);
            registry.remove(id);
        });
    }

    public void driftDetected(String policy, String control) {
        Counter.builder(DRIFT).description("Findings of a control that turned to fail (drift) since the operator started")
                .tags("policy", policy, "control", control).register(registry).increment();
    }

    public void newViolation(String policy, String control) {
        Counter.builder(NEW_VIOLATIONS).description("Objects that were non-compliant when first seen (not drift)")
                .tags("policy", policy, "control", control).register(registry).increment();
    }

    public void timeToRemediate(String policy, String control, java.time.Duration took) {
        io.micrometer.core.instrument.Timer.builder(TIME_TO_REMEDIATE)
                .description("From detection (Evident first saw the finding fail) to a verified repair")
                .tags("policy", policy, "control", control)
                .publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofMillis(10))
                .maximumExpectedValue(java.time.Duration.ofDays(1))
                .register(registry).record(took);
    }

    public void remediation(String policy, String control, boolean success) {
        Counter.builder(REMEDIATIONS).description("Remediations applied by the operator, by outcome")
                .tags("policy", policy, "control", control, "outcome", success ? "success" : "failure")
                .register(registry).increment();
    }

    private static void put(Map<Meter.Id, Double> values, String name, Tags tags, double value) {
        values.put(new Meter.Id(name, tags, null, null, Meter.Type.GAUGE), value);
    }

    private AtomicReference<Double> register(Meter.Id id) {
        AtomicReference<Double> value = new AtomicReference<>(0.0);
        Gauge.builder(id.getName(), value, AtomicReference::get).tags(id.getTags()).description(description(id.getName())).register(registry);
        return value;
    }

    private static String description(String name) {
        return switch (name) {
            case FINDINGS -> "Findings of a control by SOC 2 criterion and result";
            case SCORE -> "Compliance score of a policy: compliant / (compliant + violating) x 100";
            case LAST_EVALUATION -> "Unix time of the policy's last evaluation";
            case VALID -> "1 when the policy is valid, 0 when its spec is invalid";
            case PENDING -> "Remediations planned but not yet applied because of the write rate limit";
            case EXCEPTIONS -> "ControlExceptions naming the policy, by state (Active, Expired, Invalid)";
            case EXCEPTION_EXPIRY -> "Unix time an Active ControlException expires";
            default -> name;
        };
    }
}
