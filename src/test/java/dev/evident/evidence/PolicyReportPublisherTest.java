package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The publisher on the Fabric8 mock API server (CRUD mode): content, one write per change, no stale results. */
@EnableKubernetesMockClient(crud = true)
class PolicyReportPublisherTest {
    KubernetesClient client;
    KubernetesMockServer server;

    private GenericKubernetesResource report(String namespace) {
        return client.genericKubernetesResources(PolicyReports.Api.OPENREPORTS.context(true)).inNamespace(namespace).withName("evident-baseline").get();
    }

    @Test
    void writesOnlyOnChangeAndEmptiesReportsOfNamespacesWithoutFindings() {
        PolicyReportPublisher publisher = new PolicyReportPublisher(client, Clock.fixed(PolicyReportsTest.NOW, ZoneOffset.UTC), "openreports", 500, Runnable::run);
        ControlPolicy policy = PolicyReportsTest.policy();
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(3, "restricted")));
        assertThat(report("ns-1").getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 0, "fail", 1, "warn", 0, "error", 0, "skip", 0));
        assertThat(client.genericKubernetesResources(PolicyReports.Api.OPENREPORTS.context(false)).withName("evident-baseline").get()).isNotNull();

        int before = server.getRequestCount();
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(3, "restricted")));
        assertThat(server.getRequestCount()).as("nothing changed: no request").isEqualTo(before);

        // ns-1 fixed, ns-2 gone.
        String ns0Version = report("ns-0").getMetadata().getResourceVersion();
        var objects = PolicyReportsTest.cluster(2, "restricted");
        objects.removeIf(o -> "ns-1".equals(o.getMetadata().getName()));
        objects.add(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("ns-1")
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, objects));
        assertThat(report("ns-1").getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 1, "fail", 0, "warn", 0, "error", 0, "skip", 0));
        assertThat(report("ns-2").getAdditionalProperties().get("results")).isEqualTo(List.of());
        assertThat(report("ns-0").getMetadata().getResourceVersion()).as("unchanged report not rewritten").isEqualTo(ns0Version);
    }

    @Test
    void autoWritesNothingWhenNoReportCrdIsServed() {
        PolicyReportPublisher publisher = new PolicyReportPublisher(client, Clock.fixed(PolicyReportsTest.NOW, ZoneOffset.UTC), "auto", 500, Runnable::run);
        assertThat(publisher.api()).isEmpty();
        ControlPolicy policy = PolicyReportsTest.policy();
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(1, "restricted")));
        assertThat(report("ns-0")).isNull();
    }

    /** After an incremental evaluation only the namespaces its diff touched are rebuilt, with what a full publish writes. */
    @Test
    void aDiffRewritesOnlyTheNamespacesItTouched() {
        PolicyReportPublisher publisher = new PolicyReportPublisher(client, Clock.fixed(PolicyReportsTest.NOW, ZoneOffset.UTC), "openreports", 500, Runnable::run);
        ControlPolicy policy = PolicyReportsTest.policy();
        PolicyEvaluation first = PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(3, "restricted"));
        publisher.publish(policy, first, EvaluationDiff.full());
        String ns0Version = report("ns-0").getMetadata().getResourceVersion();

        var objects = PolicyReportsTest.cluster(3, "restricted");
        objects.removeIf(o -> "ns-1".equals(o.getMetadata().getName()));
        objects.add(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("ns-1")
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
        PolicyEvaluation second = PolicyReportsTest.evaluate(policy, objects);
        int before = server.getRequestCount();
        publisher.publish(policy, second, new EvaluationDiff(first, inNamespace(first, "ns-1"), inNamespace(second, "ns-1")));
        assertThat(server.getRequestCount()).as("one update, with the resourceVersion written last").isEqualTo(before + 1);
        assertThat(report("ns-1").getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 1, "fail", 0, "warn", 0, "error", 0, "skip", 0));
        assertThat(report("ns-0").getMetadata().getResourceVersion()).isEqualTo(ns0Version);

        // The same evaluation published whole by a fresh publisher (as after a restart) writes the same content.
        GenericKubernetesResource byDiff = report("ns-1");
        new PolicyReportPublisher(client, Clock.fixed(PolicyReportsTest.NOW, ZoneOffset.UTC), "openreports", 500, Runnable::run)
                .publish(policy, second, EvaluationDiff.full());
        assertThat(report("ns-1").getAdditionalProperties()).isEqualTo(byDiff.getAdditionalProperties());
    }

    private static List<Finding> inNamespace(PolicyEvaluation evaluation, String namespace) {
        return evaluation.findings().stream().filter(f -> namespace.equals(f.object().namespace())).toList();
    }
}
