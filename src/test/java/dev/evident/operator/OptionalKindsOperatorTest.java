package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Optional custom kinds on the live path: the Cilium and Gateway API CRDs are installed after the operator
 * started, and their objects are judged without a restart.
 */
@QuarkusTest
class OptionalKindsOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    @AfterEach
    void cleanUp() {
        client.resources(ControlPolicy.class).delete();
    }

    @Test
    void aCiliumPolicyCreatedAfterItsCrdCreditsTheNamespaceWithoutRestart() {
        namespace("cilium-team", "cilium");
        ControlPolicy policy = Fixtures.policy("cilium", Mode.Audit, Fixtures.networkDefaultDeny("NET-001", true));
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "cilium").build());
        client.resource(policy).create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status("cilium").getViolations().getItems())
                .singleElement().satisfies(v -> assertThat(v.getMessage()).isEqualTo("no NetworkPolicy selecting all pods denies [Ingress, Egress]")));

        CustomResourceDefinition crd = crd("cilium.io", "CiliumNetworkPolicy", "ciliumnetworkpolicies", "Namespaced", "v2");
        GenericKubernetesResource cnp = Serialization.unmarshal("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-all, namespace: cilium-team}
                spec: {endpointSelector: {}, ingress: [{}], egress: [{}]}
                """, GenericKubernetesResource.class);
        try {
            client.resource(cnp).create();
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(status("cilium").getViolations().getTotal()).isZero();
                assertThat(status("cilium").getControls()).singleElement().satisfies(c -> assertThat(c.getCompliant()).isEqualTo(1));
            });
        } finally {
            client.resource(cnp).delete();
            client.resource(crd).delete();
        }
    }

    @Test
    void aGatewayCreatedAfterItsCrdIsJudged() {
        namespace("gateway-team", "gateway");
        ControlPolicy policy = Fixtures.policy("gateway", Mode.Audit, Fixtures.control("TLS-002", "GatewayTLS"));
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "gateway").build());
        client.resource(policy).create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status("gateway").getControls())
                .singleElement().satisfies(c -> assertThat(c.getCompliant() + c.getViolating()).isZero()));

        CustomResourceDefinition crd = crd("gateway.networking.k8s.io", "Gateway", "gateways", "Namespaced", "v1");
        GenericKubernetesResource gateway = Serialization.unmarshal("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: web, namespace: gateway-team}
                spec:
                  gatewayClassName: example
                  listeners:
                  - {name: http, hostname: shop.example.com, port: 80, protocol: HTTP}
                """, GenericKubernetesResource.class);
        try {
            client.resource(gateway).create();
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status("gateway").getViolations().getItems())
                    .singleElement().satisfies(v -> {
                        assertThat(v.getKind()).isEqualTo("Gateway");
                        assertThat(v.getReason()).isEqualTo("PlainTextListener");
                    }));
        } finally {
            client.resource(gateway).delete();
            client.resource(crd).delete();
        }
    }

    /** Creates an established CRD serving the version, as the API server reports it once it serves the kind. */
    private CustomResourceDefinition crd(String group, String kind, String plural, String scope, String version) {
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope(scope)
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .endVersion()
                .endSpec()
                .build();
        CustomResourceDefinition created = client.resource(crd).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
                .addNewCondition().withType("Established").withStatus("True").endCondition()
                .withStoredVersions(List.of(version)).build());
        return client.resource(created).updateStatus();
    }

    private void namespace(String name, String label) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("test", label).endMetadata().build())
                .createOr(NonDeletingOperation::update);
    }

    private ControlPolicyStatus status(String policy) {
        ControlPolicy p = client.resources(ControlPolicy.class).withName(policy).get();
        return p == null ? null : p.getStatus();
    }
}
