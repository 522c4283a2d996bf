package dev.evident.operator;

import static dev.evident.engine.Fixtures.namespace;
import static dev.evident.engine.Fixtures.networkDefaultDeny;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import dev.evident.evidence.EvidenceRecorder;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.evident.testing.CrudApiServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remediation counts only when the object the API server returned complies. The API server here is a stub
 * that answers writes with whatever the test says, standing in for server-side apply that keeps a field
 * another manager added (which the mock server cannot show; OperatorIT shows it on a real API server).
 */
class RepairsTest {
    private CrudApiServer api;
    private KubernetesMockServer server;
    private KubernetesClient client;
    private final RemediationBudgetTest.ManualClock clock = new RemediationBudgetTest.ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Engine engine = new Engine(StandardControls.catalog(), "evident-system");
    private final RecentWrites recentWrites = new RecentWrites(clock, written -> { });
    private final DriftTracker drift = new DriftTracker();
    private final List<HasMetadata> cluster = new ArrayList<>();
    private final List<String> writes = new ArrayList<>();
    private UnaryOperator<HasMetadata> applyAnswer;
    private UnaryOperator<HasMetadata> replaceAnswer;
    private Repairs repairs;
    @TempDir
    Path evidenceDir;
    private final ControlPolicy policy = policy("net", Mode.Enforce, networkDefaultDeny("NET-001", false, PolicyType.Ingress));

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        server = api.server;
        client = api.client;
        policy.getMetadata().setUid("uid-net");
        Remediator stub = new Remediator(client, true) {
            @Override
            public HasMetadata apply(Remediation plan, String policyName) {
                writes.add("apply " + plan.summary());
                return applyAnswer.apply(plan.target());
            }

            @Override
            HasMetadata replaceManaged(Remediation.Apply plan, HasMetadata written) {
                writes.add("replace");
                return replaceAnswer.apply(plan.desired());
            }
        };
        repairs = new Repairs(engine, stub, recentWrites, now -> new OverlaySnapshot(InMemorySnapshot.of(now, cluster), recentWrites),
                new RemediationBudget(clock, 1000), new EventRecorder(client, clock), new EvidentMetrics(registry), drift,
                new EvidenceRecorder(clock, client, new OperatorNamespace("evident-system"), registry, true, evidenceDir, Duration.ofHours(1),
                        Duration.ofDays(400), 64L << 20, Duration.ofDays(1), Duration.ofHours(1), "evident-evidence-signing", "private.pem"));
        cluster.add(namespace("web"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static HasMetadata withVersion(HasMetadata o, String version) {
        o.getMetadata().setResourceVersion(version);
        return o;
    }

    /** What a server-side apply leaves when another manager had added an allow-all ingress rule. */
    private static HasMetadata allowAll(HasMetadata desired) {
        NetworkPolicy p = new NetworkPolicyBuilder((NetworkPolicy) desired).editSpec().withIngress(new NetworkPolicyIngressRule()).endSpec().build();
        return withVersion(p, "2");
    }

    private PolicyEvaluation evaluate() {
        PolicyEvaluation evaluation = engine.evaluate(policy, new OverlaySnapshot(InMemorySnapshot.of(clock.instant(), cluster), recentWrites));
        drift.update("net", evaluation, dev.evident.engine.EvaluationDiff.full(), clock.instant());
        return evaluation;
    }

    private List<String> evidenceLines() throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        try (var files = java.nio.file.Files.list(evidenceDir)) {
            for (Path f : files.sorted().toList()) {
                lines.addAll(java.nio.file.Files.readAllLines(f));
            }
        }
        return lines;
    }

    private double remediations(String outcome) {
        var counter = registry.find(EvidentMetrics.REMEDIATIONS).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> reasons() {
        return client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems().stream().map(Event::getReason).toList();
    }

    @Test
    void aWriteThatComplies_countsAsARepair() throws Exception {
        applyAnswer = desired -> withVersion(desired, "1");
        RemediationOutcome outcome = repairs.remediate(policy, evaluate(), clock.instant());
        assertThat(outcome.failed()).isZero();
        assertThat(writes).containsExactly("apply create NetworkPolicy web/evident-default-deny denying [Ingress]");
        assertThat(remediations("success")).isEqualTo(1);
        assertThat(registry.find(EvidentMetrics.TIME_TO_REMEDIATE).tag("control", "NET-001").timer().count()).isEqualTo(1);
        assertThat(repairs.remediated("net")).containsEntry("NET-001", 1L);
        assertThat(evidenceLines()).filteredOn(l -> l.contains("\"type\":\"remediation\"")).singleElement()
                .satisfies(l -> assertThat(l).contains("success"));
        assertThat(reasons()).containsExactly("Remediated");
        // The next evaluation sees Evident's write even though the "cache" (the cluster list) has not caught up.
        assertThat(evaluate().count(Result.FAIL)).isZero();
    }

    @Test
    void anExceptedFinding_isNeverRemediated_untilTheExceptionExpires() {
        applyAnswer = desired -> withVersion(desired, "1");
        dev.evident.api.v1alpha1.ControlException waiver = ControlExceptionReconcilerTest.exception("web-waiver", "net", List.of("NET-001"),
                List.of("web"), clock.instant().plus(Duration.ofDays(1)).toString());
        cluster.add(waiver);
        PolicyEvaluation excepted = evaluate();
        assertThat(excepted.findings()).singleElement().extracting(f -> f.result()).isEqualTo(dev.evident.engine.Result.EXCEPTED);
        assertThat(repairs.remediate(policy, excepted, clock.instant())).isEqualTo(RemediationOutcome.NONE);
        assertThat(writes).isEmpty();

        clock.advance(Duration.ofDays(1));
        repairs.remediate(policy, evaluate(), clock.instant());
        assertThat(writes).containsExactly("apply create NetworkPolicy web/evident-default-deny denying [Ingress]");
    }

    @Test
    void applyLeavingAnotherManagersField_isReplacedAndThenVerified() {
        applyAnswer = RepairsTest::allowAll;
        replaceAnswer = desired -> withVersion(desired, "3");
        RemediationOutcome outcome = repairs.remediate(policy, evaluate(), clock.instant());
        assertThat(outcome.failed()).isZero();
        assertThat(writes).hasSize(2).last().isEqualTo("replace");
        assertThat(remediations("success")).isEqualTo(1);
        assertThat(remediations("failure")).isZero();
    }

    @Test
    void aWriteWhoseResultStillFails_isARemediationFailureNotARepair() throws Exception {
        applyAnswer = RepairsTest::allowAll;
        replaceAnswer = RepairsTest::allowAll;
        RemediationOutcome outcome = repairs.remediate(policy, evaluate(), clock.instant());
        assertThat(outcome.failed()).isEqualTo(1);
        assertThat(remediations("success")).isZero();
        assertThat(remediations("failure")).isEqualTo(1);
        assertThat(repairs.remediated("net")).isEmpty();
        assertThat(reasons()).containsExactly("RemediationFailed").doesNotContain("Remediated");
        assertThat(client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems().get(0).getMessage())
                .contains("written, but", "still does not comply", "ManagedPolicyDrifted");
        // The evidence log records the same: a failed remediation with what the API server returned.
        assertThat(evidenceLines()).filteredOn(l -> l.contains("\"type\":\"remediation\"")).singleElement()
                .satisfies(l -> assertThat(l).contains("failure").contains("still does not comply").contains("\"ingress\""));
    }

    @Test
    void aPlanThatChangesNothing_isNotAppliedCountedOrEvented() {
        Namespace ns = namespace("web");
        ns.getMetadata().setResourceVersion("1");
        Finding noOp = new Finding("net", "NET-001", "NetworkDefaultDeny", List.of("CC6.6"), ObjectRef.of(ns), Result.FAIL, "R", "m",
                new Remediation.Update(ns, namespace("web"), "update Namespace web"));
        PolicyEvaluation evaluation = new PolicyEvaluation("net", "sha256:x", List.of(),
                List.of(new dev.evident.engine.ControlEvaluation("NET-001", "NetworkDefaultDeny", Mode.Enforce, List.of("CC6.6"), List.of(noOp))));
        RemediationOutcome outcome = repairs.remediate(policy, evaluation, clock.instant());
        assertThat(outcome).isEqualTo(RemediationOutcome.NONE);
        assertThat(writes).isEmpty();
        assertThat(remediations("success") + remediations("failure")).isZero();
        assertThat(reasons()).isEmpty();
    }
}
