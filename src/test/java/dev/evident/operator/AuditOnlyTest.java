package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With evident.audit-only (the Helm chart's auditOnly), an Enforce policy is evaluated and reported but nothing is written. */
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@TestProfile(AuditOnlyTest.AuditOnly.class)
class AuditOnlyTest {
    public static final class AuditOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("evident.audit-only", "true");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void enforcePoliciesAreReportedNotRemediated() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ao-a").addToLabels("test", "ao").endMetadata().build()).create();
        ControlPolicy policy = Fixtures.policy("ao", Mode.Enforce, Fixtures.networkDefaultDeny("NET-001", false, PolicyType.Ingress));
        policy.getSpec().setNamespaceSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("test", "ao").build());
        client.resource(policy).create();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.resources(ControlPolicy.class).withName("ao").get().getStatus().getViolations().getTotal()).isEqualTo(1));
        Thread.sleep(500);
        assertThat(client.network().v1().networkPolicies().inNamespace("ao-a").list().getItems()).isEmpty();
        assertThat(client.resources(ControlPolicy.class).withName("ao").get().getStatus().getControls())
                .singleElement().satisfies(c -> assertThat(c.getRemediated()).isZero());
    }
}
